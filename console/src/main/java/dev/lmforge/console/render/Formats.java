package dev.lmforge.console.render;

import dev.lmforge.api.v1.Metric;
import io.quarkus.qute.TemplateExtension;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** How numbers and API names read on the pages: {@code {value.fmt(3)}}, {@code {status.label}}, {@code {metrics.metric('validation:bpc')}}. */
@TemplateExtension
public final class Formats {

    /** Enum value prefixes of the API; the rest of a name reads as CamelCase, like JobStatus's InProgress. */
    private static final List<String> PREFIXES = List.of("JOB_STATUS_", "SECONDARY_STATUS_", "TOKENIZER_KIND_", "MODEL_STATE_",
            "DOCUMENT_BOUNDARY_", "TUNING_STRATEGY_", "OBJECTIVE_TYPE_", "COMPUTE_RESOURCE_", "CHANNEL_");

    private Formats() {
    }

    static String fmt(Object value, int digits) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return Double.isFinite(d) ? String.format(Locale.ROOT, "%." + digits + "f", d) : String.valueOf(d);
        }
        return value == null ? "" : value.toString();
    }

    static String count(Object value) {
        return value instanceof Number n ? String.format(Locale.ROOT, "%,d", n.longValue()) : String.valueOf(value);
    }

    static long percentOf(Object value, long whole) {
        return value instanceof Number n && whole > 0 ? Math.round(100.0 * n.doubleValue() / whole) : 0;
    }

    static String label(Object apiName) {
        String name = String.valueOf(apiName);
        for (String prefix : PREFIXES) {
            if (name.startsWith(prefix)) {
                name = name.substring(prefix.length());
                if (name.equals("UNSPECIFIED")) {
                    return "";
                }
                StringBuilder out = new StringBuilder();
                for (String word : name.split("_")) {
                    out.append(word.charAt(0)).append(word.substring(1).toLowerCase(Locale.ROOT));
                }
                return out.toString();
            }
        }
        return name;
    }

    static String urlEncoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A metric of a job's list by name, to four decimals; empty when the job has none yet. */
    static String metric(List<?> metrics, String name) {
        for (Object m : metrics) {
            if (m instanceof Metric metric && metric.getName().equals(name)) {
                return fmt(metric.getValue(), 4);
            }
        }
        return "";
    }
}
