package io.patinox.detection.corpus;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * {@code corpus/injection/build.yaml}: how the builder samples, groups and splits the sources.
 *
 * @param seed seeds every random choice (sampling, templates, split)
 * @param split shares of groups for train and validation (the rest is test)
 * @param templates template expansion
 * @param nearDuplicates near-duplicate thresholds
 * @param crossSource the attack family held out entirely for the cross-source split
 * @param families family name to source id globs ({@code garak-*}); a source in none is its own family
 * @param sources per-source settings
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BuildConfig(long seed, Split split, Templates templates, NearDuplicates nearDuplicates,
        String crossSource, Map<String, List<String>> families, Map<String, SourceSettings> sources) {

    /** Shares of groups per split. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Split(double train, double validation) {
    }

    /** Harmful questions per template. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Templates(int perTemplate) {
    }

    /**
     * @param shingle characters per shingle
     * @param drop Jaccard from which a same-label text is dropped as a near-exact duplicate
     * @param group Jaccard from which two texts share a group
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record NearDuplicates(int shingle, double drop, double group) {
    }

    /**
     * @param sample keep at most this many rows (seeded choice)
     * @param groupBy where a row's group comes from
     * @param rowCategory whether a row's own {@code category} field overrides the source's (default true; false
     *        when that field means something else, such as an intent label)
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SourceSettings(Integer sample, GroupBy groupBy, Boolean rowCategory) {
    }

    /**
     * A row's group key: a field's value ({@code field}, optionally the first capture of {@code pattern} in it) or
     * the first capture of {@code ref} (a regex) in the row's {@code ref} field; prefixed with {@code namespace}
     * (default the source id), so two sources may share groups.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record GroupBy(String field, String pattern, String ref, String namespace) {

        /** The group key of a row with these fields, or null when the row has none. */
        String key(String source, Map<String, Object> row) {
            String value;
            String regex;
            if (ref != null) {
                value = str(row.get("ref"));
                regex = ref;
            } else {
                value = str(row.get(field));
                regex = pattern;
            }
            if (value == null) {
                return null;
            }
            if (regex != null) {
                var m = Pattern.compile(regex).matcher(value);
                if (!m.find()) {
                    return null;
                }
                value = m.groupCount() > 0 ? m.group(1) : m.group();
            }
            return (namespace != null ? namespace : source) + ":" + value;
        }

        private static String str(Object o) {
            return o == null ? null : String.valueOf(o);
        }
    }

    /** The family of a source: the first family with a matching glob, else the source id. */
    public String familyOf(String sourceId) {
        if (families != null) {
            for (var e : families.entrySet()) {
                for (String glob : e.getValue()) {
                    if (glob.endsWith("*") ? sourceId.startsWith(glob.substring(0, glob.length() - 1))
                            : glob.equals(sourceId)) {
                        return e.getKey();
                    }
                }
            }
        }
        return sourceId;
    }

    /** The settings of a source (never null). */
    public SourceSettings settings(String sourceId) {
        SourceSettings s = sources == null ? null : sources.get(sourceId);
        return s == null ? new SourceSettings(null, null, null) : s;
    }
}
