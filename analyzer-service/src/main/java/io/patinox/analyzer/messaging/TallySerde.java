package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.TallyState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;

/** Tallies in the state stores and their changelogs. */
public final class TallySerde extends BinarySerde<Tally> {

    private final int digits;

    /** A serde whose empty tallies keep {@code digits} significant digits. */
    public TallySerde(int digits) {
        this.digits = digits;
    }

    @Override
    protected void write(DataOutputStream out, Tally tally) throws IOException {
        TallyState.write(out, tally);
    }

    @Override
    protected Tally read(DataInputStream in) throws IOException {
        return TallyState.read(in, digits);
    }
}
