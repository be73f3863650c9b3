package io.patinox.executor.ai;

import java.util.List;

/**
 * What a model is asked: the agent's instructions and tools, the task and the run so far.
 *
 * @param agent the agent's name
 * @param instructions the agent's system prompt
 * @param tools the tools the agent may call
 * @param taskInput the task as the user gave it
 * @param history the run's working memory, oldest first, the task first
 * @param callIndex how many model calls this agent made in this run before this one (retries included)
 */
public record ModelRequest(String agent, String instructions, List<String> tools, String taskInput,
        List<ChatEntry> history, int callIndex) {
    public ModelRequest {
        tools = List.copyOf(tools);
        history = List.copyOf(history);
    }

    /** The output of the most recent tool call, or the empty string. */
    public String lastToolOutput() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).role() == ChatEntry.Role.TOOL) {
                return history.get(i).text();
            }
        }
        return "";
    }

    /** The most recent validator feedback, or the empty string. */
    public String lastFeedback() {
        for (int i = history.size() - 1; i >= 0; i--) {
            if (history.get(i).role() == ChatEntry.Role.FEEDBACK) {
                return history.get(i).text();
            }
        }
        return "";
    }
}
