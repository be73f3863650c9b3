package io.patinox.contracts.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.Map;

/**
 * What an agent proposes to do in one step. Nothing proposed takes effect before the validator has
 * answered it. On the wire the {@code type} property tells the kinds apart.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Action.ToolCall.class, name = "tool_call"),
        @JsonSubTypes.Type(value = Action.FinalAnswer.class, name = "final_answer"),
})
public sealed interface Action {

    /** The text a validator should read: the answer, or the tool name with its arguments. */
    String text();

    /** Call a registered tool by name with JSON arguments. */
    record ToolCall(String tool, Map<String, Object> arguments) implements Action {
        public ToolCall {
            Checks.requiredText(tool, "tool");
            arguments = Checks.map(arguments);
        }

        @Override
        public String text() {
            return tool + " " + arguments;
        }
    }

    /** Answer the task; the run ends when this step is allowed. */
    record FinalAnswer(String answer) implements Action {
        public FinalAnswer {
            Checks.required(answer, "answer");
        }

        @Override
        public String text() {
            return answer;
        }
    }
}
