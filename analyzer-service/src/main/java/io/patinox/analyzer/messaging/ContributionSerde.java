package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Verdict;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Contributions on the repartition topic. */
public final class ContributionSerde extends BinarySerde<Contribution> {

    @Override
    protected void write(DataOutputStream out, Contribution c) throws IOException {
        writeEnum(out, c.kind());
        out.writeUTF(c.agent());
        out.writeUTF(c.configVersion());
        writeEnum(out, c.verdict());
        writeEnum(out, c.outcome());
        writeEnum(out, c.source());
        writeEnum(out, c.status());
        out.writeLong(c.inputTokens());
        out.writeLong(c.outputTokens());
        out.writeDouble(c.costUsd());
        out.writeLong(c.stepMicros());
        out.writeLong(c.validationMicros());
        out.writeLong(c.modelMicros());
        out.writeLong(c.validatorMicros());
        out.writeLong(c.eventTimeMillis());
    }

    @Override
    protected Contribution read(DataInputStream in) throws IOException {
        return new Contribution(readEnum(in, Contribution.Kind.values()), in.readUTF(), in.readUTF(),
                readEnum(in, Verdict.Kind.values()), readEnum(in, StepOutcome.values()),
                readEnum(in, VerdictSource.values()), readEnum(in, RunStatus.values()), in.readLong(), in.readLong(),
                in.readDouble(), in.readLong(), in.readLong(), in.readLong(), in.readLong(), in.readLong());
    }
}
