package io.patinox.executor.ai;

import io.patinox.contracts.events.Action;

/**
 * One entry of a run's working memory, as the model sees it.
 *
 * @param role who said it
 * @param text the text (the task, a tool's output, the validator's feedback, the action's text)
 * @param action the action proposed, for {@link Role#ASSISTANT} entries; else null
 */
public record ChatEntry(Role role, String text, Action action) {

    /** Who an entry comes from. */
    public enum Role {
        /** The user's task. */
        USER,
        /** An action the model proposed and that was carried out. */
        ASSISTANT,
        /** A tool's output (or its error) for the preceding call. */
        TOOL,
        /** The validator's feedback on a proposal it sent back. */
        FEEDBACK
    }

    public static ChatEntry user(String text) {
        return new ChatEntry(Role.USER, text, null);
    }

    public static ChatEntry assistant(Action action) {
        return new ChatEntry(Role.ASSISTANT, action.text(), action);
    }

    public static ChatEntry tool(String output) {
        return new ChatEntry(Role.TOOL, output, null);
    }

    public static ChatEntry feedback(String feedback) {
        return new ChatEntry(Role.FEEDBACK, feedback, null);
    }
}
