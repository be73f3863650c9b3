package io.patinox.contracts.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;

/**
 * The one JSON mapping of the contracts. Strict on read: unknown fields, missing required fields,
 * wrong types and unsupported schema versions are refused with a {@link ContractViolation} that names
 * the field. Instants are ISO-8601 strings.
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .build();

    private Json() {
    }

    /** The shared mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** The JSON bytes (UTF-8) of a record. */
    public static byte[] encode(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /** The JSON text of a record. */
    public static String encodeToString(Object value) {
        return new String(encode(value), StandardCharsets.UTF_8);
    }

    /** Reads a record, or explains exactly what is wrong with the bytes. */
    public static <T> T decode(byte[] bytes, Class<T> type) {
        if (bytes == null || bytes.length == 0) {
            throw new ContractViolation("empty message where " + type.getSimpleName() + " was expected", null, null);
        }
        try {
            return MAPPER.readValue(bytes, type);
        } catch (IOException e) {
            ContractViolation version = versionMismatch(bytes, type, e);
            throw version != null ? version : violation(e, type);
        }
    }

    /**
     * A record written by another version of the contract usually fails on some field first; the version is
     * the cause worth naming. Only runs on the failure path, so reading good records costs nothing more.
     */
    private static ContractViolation versionMismatch(byte[] bytes, Class<?> type, IOException e) {
        try {
            JsonNode version = MAPPER.readTree(bytes).path("schemaVersion");
            int supported = type.getField("SCHEMA_VERSION").getInt(null);
            if (version.isInt() && version.intValue() != supported) {
                return new ContractViolation("unsupported schemaVersion " + version.intValue() + " of " + type.getSimpleName()
                        + " (this reader understands " + supported + ")", "schemaVersion", e);
            }
        } catch (IOException | ReflectiveOperationException | RuntimeException ignored) {
            // not JSON, or a type without a version: the original error says more
        }
        return null;
    }

    /** Reads a record from text, or explains exactly what is wrong with it. */
    public static <T> T decode(String text, Class<T> type) {
        return decode(text == null ? null : text.getBytes(StandardCharsets.UTF_8), type);
    }

    static ContractViolation violation(IOException e, Class<?> type) {
        String record = type.getSimpleName();
        if (e instanceof UnrecognizedPropertyException u) {
            String field = path(u);
            return new ContractViolation("unknown field '" + field + "' in " + record, field, e);
        }
        if (e instanceof InvalidTypeIdException t) {
            String field = path(t);
            return new ContractViolation("unknown type id '" + t.getTypeId() + "' at '" + field + "' in " + record
                    + " (expected one of the documented kinds)", field, e);
        }
        if (e instanceof ValueInstantiationException v) {
            String field = path(v);
            Throwable cause = v.getCause() != null ? v.getCause() : v;
            String where = field.isEmpty() ? record : record + " at '" + field + "'";
            return new ContractViolation("invalid " + where + ": " + cause.getMessage(), field, e);
        }
        if (e instanceof MismatchedInputException m) {
            String field = path(m);
            return new ContractViolation("wrong type or missing value for field '" + field + "' in " + record
                    + ": " + firstLine(m.getOriginalMessage()), field, e);
        }
        if (e instanceof JsonMappingException m) {
            String field = path(m);
            return new ContractViolation("cannot read field '" + field + "' of " + record + ": "
                    + firstLine(m.getOriginalMessage()), field, e);
        }
        if (e instanceof JsonProcessingException p) {
            var at = p.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            return new ContractViolation("not valid JSON" + where + " (expected " + record + "): "
                    + firstLine(p.getOriginalMessage()), null, e);
        }
        return new ContractViolation("cannot read " + record + ": " + firstLine(e.getMessage()), null, e);
    }

    /**
     * The field a mapping error is about, as a reader writes it: {@code validators[1].params}. Also used by the other
     * strict readers (policy files).
     */
    public static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    /**
     * The first line of a parser message, without the values it quotes: a reason goes to logs and dead-letter
     * headers, and the record may carry prompts or personal data. Field names and positions stay.
     */
    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return QUOTED_TOKEN.matcher(QUOTED_STRING.matcher(line).replaceAll("\"…\"")).replaceAll("$1 (not shown)");
    }

    /** A JSON string value quoted by Jackson. */
    private static final java.util.regex.Pattern QUOTED_STRING = java.util.regex.Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    /** An unparseable token quoted by Jackson: {@code Unrecognized token 'abc…':}. */
    private static final java.util.regex.Pattern QUOTED_TOKEN = java.util.regex.Pattern
            .compile("(Unrecognized token) '.*?'(?=: )");
}
