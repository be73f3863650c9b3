package io.patinox.contracts.verdict;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.Checks;
import java.util.function.Function;

/**
 * The validator's answer to one proposed step. Consume it through {@link #fold}, so that code which
 * forgets a case does not compile. On the wire the {@code kind} property tells the cases apart.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Verdict.Allow.class, name = "allow"),
        @JsonSubTypes.Type(value = Verdict.Modify.class, name = "modify"),
        @JsonSubTypes.Type(value = Verdict.Retry.class, name = "retry"),
        @JsonSubTypes.Type(value = Verdict.Divert.class, name = "divert"),
        @JsonSubTypes.Type(value = Verdict.Block.class, name = "block"),
})
public sealed interface Verdict {

    /** The five verdicts, weakest first: the combined verdict of a chain is the strongest. */
    enum Kind {
        ALLOW,
        MODIFY,
        RETRY,
        DIVERT,
        BLOCK;

        /** The stronger of two kinds: {@code BLOCK > DIVERT > RETRY > MODIFY > ALLOW}. */
        public Kind max(Kind other) {
            return compareTo(other) >= 0 ? this : other;
        }
    }

    /** The step may run as proposed. */
    record Allow() implements Verdict {
    }

    /** The step may run, changed: e.g. with personal data redacted. */
    record Modify(Action action, String reason) implements Verdict {
        public Modify {
            Checks.required(action, "action");
            Checks.required(reason, "reason");
        }
    }

    /** The step must not run; the model is asked again with this feedback. */
    record Retry(String feedback) implements Verdict {
        public Retry {
            Checks.required(feedback, "feedback");
        }
    }

    /** The run is handed to another agent, or to {@code human-review}. */
    record Divert(String target, String reason) implements Verdict {
        /** The divert target that sends a run to the human review topic. */
        public static final String HUMAN_REVIEW = "human-review";

        public Divert {
            Checks.requiredText(target, "target");
            Checks.required(reason, "reason");
        }
    }

    /** The run ends with a safe answer and this reason. */
    record Block(String reason) implements Verdict {
        public Block {
            Checks.required(reason, "reason");
        }
    }

    /** The verdict that lets a step run unchanged. */
    static Verdict allow() {
        return new Allow();
    }

    /** Exhaustive case analysis: every verdict kind must be handled. */
    default <R> R fold(Function<Allow, R> onAllow, Function<Modify, R> onModify, Function<Retry, R> onRetry,
            Function<Divert, R> onDivert, Function<Block, R> onBlock) {
        if (this instanceof Allow a) {
            return onAllow.apply(a);
        } else if (this instanceof Modify m) {
            return onModify.apply(m);
        } else if (this instanceof Retry r) {
            return onRetry.apply(r);
        } else if (this instanceof Divert d) {
            return onDivert.apply(d);
        } else if (this instanceof Block b) {
            return onBlock.apply(b);
        }
        // Unreachable: the interface is sealed to the five records above.
        throw new IllegalStateException("unknown verdict " + this);
    }

    /** This verdict's kind. */
    @JsonIgnore
    default Kind kind() {
        return fold(a -> Kind.ALLOW, m -> Kind.MODIFY, r -> Kind.RETRY, d -> Kind.DIVERT, b -> Kind.BLOCK);
    }

    /** The stronger of two verdicts; on a tie, this one. */
    default Verdict strongest(Verdict other) {
        return other.kind().compareTo(kind()) > 0 ? other : this;
    }
}
