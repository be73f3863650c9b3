package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Verdict;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Contributions on the repartition topic. */
public final class ContributionSerde extends BinarySerde<Contribution> {

    /** Bump when the layout changes: records of an older layout are then refused rather than misread. */
    static final int FORMAT = 2;

    @Override
    protected void write(DataOutputStream out, Contribution c) throws IOException {
        out.writeByte(FORMAT);
        writeEnum(out, c.kind());
        out.writeUTF(c.agent());
        out.writeUTF(c.configVersion());
        writeEnum(out, c.verdict());
        writeEnum(out, c.outcome());
        writeEnum(out, c.source());
        writeEnum(out, c.status());
        writeNullable(out, c.tool());
        out.writeLong(c.inputTokens());
        out.writeLong(c.outputTokens());
        out.writeDouble(c.costUsd());
        out.writeLong(c.stepMicros());
        out.writeLong(c.validationMicros());
        out.writeLong(c.modelMicros());
        out.writeLong(c.toolMicros());
        out.writeLong(c.validatorMicros());
        out.writeShort(c.checks().size());
        for (Contribution.Check check : c.checks()) {
            out.writeUTF(check.validator());
            writeEnum(out, check.outcome());
            out.writeLong(check.micros());
        }
        out.writeLong(c.eventTimeMillis());
    }

    @Override
    protected Contribution read(DataInputStream in) throws IOException {
        int format = in.readByte();
        if (format != FORMAT) {
            throw new IOException("unknown contribution format " + format);
        }
        var kind = readEnum(in, Contribution.Kind.values());
        String agent = in.readUTF();
        String version = in.readUTF();
        var verdict = readEnum(in, Verdict.Kind.values());
        var outcome = readEnum(in, StepOutcome.values());
        var source = readEnum(in, VerdictSource.values());
        var status = readEnum(in, RunStatus.values());
        String tool = readNullable(in);
        long inputTokens = in.readLong();
        long outputTokens = in.readLong();
        double cost = in.readDouble();
        long step = in.readLong();
        long validation = in.readLong();
        long model = in.readLong();
        long toolMicros = in.readLong();
        long validator = in.readLong();
        int n = in.readUnsignedShort();
        List<Contribution.Check> checks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            checks.add(new Contribution.Check(in.readUTF(), readEnum(in, Verdict.Kind.values()), in.readLong()));
        }
        return new Contribution(kind, agent, version, verdict, outcome, source, status, tool, inputTokens,
                outputTokens, cost, step, validation, model, toolMicros, validator, checks, in.readLong());
    }
}
