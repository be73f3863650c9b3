package io.patinox.validator.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.validation.Judgement;
import java.util.Comparator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks a tool call's arguments against the JSON Schema (draft 2020-12) the policy gives for that tool;
 * arguments that break it are blocked with a reason naming the field. Parameters:
 *
 * <pre>{@code
 * unknownTools: allow        # or block: a tool the policy has no schema for
 * schemas:
 *   refund: {type: object, required: [orderId, amount], properties: {amount: {type: number, minimum: 0}}}
 * }</pre>
 *
 * Final answers are not its business and are allowed.
 */
public final class ToolArgumentSchemaCheck extends NamedValidator {

    /** The type name policies use. */
    public static final String TYPE = "tool-schema";

    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private final Map<String, JsonSchema> schemas;
    private final boolean blockUnknown;

    ToolArgumentSchemaCheck(String name, Params params) {
        super(name, 20);
        params.allowOnly("schemas", "unknownTools");
        String unknown = params.string("unknownTools", "allow");
        if (!unknown.equals("allow") && !unknown.equals("block")) {
            throw params.error("unknownTools", "expected allow or block but was '" + unknown + "'");
        }
        this.blockUnknown = unknown.equals("block");
        Map<String, JsonSchema> compiled = new TreeMap<>();
        Params raw = params.object("schemas");
        for (String tool : raw.keys()) {
            Params schema = raw.object(tool);
            try {
                JsonNode node = Json.mapper().valueToTree(schema.asMap());
                JsonSchema s = FACTORY.getSchema(node);
                s.initializeValidators();
                compiled.put(tool, s);
            } catch (RuntimeException e) {
                throw raw.error(tool, "not a valid JSON Schema: " + e.getMessage());
            }
        }
        this.schemas = Map.copyOf(compiled);
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        if (!(request.action() instanceof Action.ToolCall call)) {
            return Judgement.allow(0, "not a tool call");
        }
        JsonSchema schema = schemas.get(call.tool());
        if (schema == null) {
            return blockUnknown
                    ? Judgement.block(1, "no argument schema for tool '" + call.tool() + "'")
                    : Judgement.allow(0, "no argument schema for tool '" + call.tool() + "'");
        }
        Set<ValidationMessage> errors = schema.validate(Json.mapper().valueToTree(call.arguments()));
        if (errors.isEmpty()) {
            return Judgement.allow(0, "arguments of '" + call.tool() + "' match their schema");
        }
        String messages = errors.stream()
                .sorted(Comparator.comparing(ValidationMessage::getMessage))
                .map(ValidationMessage::getMessage)
                .collect(Collectors.joining("; "));
        return Judgement.block(1, "arguments of tool '" + call.tool() + "' break its schema: " + messages);
    }

    /** Creates {@link ToolArgumentSchemaCheck}s from policy parameters. */
    public static final class Factory extends ParamsFactory {
        public Factory() {
            super(TYPE, ToolArgumentSchemaCheck::new);
        }
    }
}
