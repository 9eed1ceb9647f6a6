package dev.lmforge.common.tracing;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.opentelemetry.api.trace.Span;
import org.jboss.logging.MDC;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the resources a piece of work is about, named in every log line written while it runs
 * (MDC fields, so the JSON log has them beside traceId and spanId) and on the current span (as
 * {@code lmforge.<field>} attributes), so a trace and a log search find each other. Closing puts the
 * fields back as they were, for the nested work of one thread.
 */
public final class ResourceIds implements AutoCloseable {

    public static final String CORPUS = "corpus_id";
    public static final String DATASET = "dataset_id";
    public static final String TRAINING_JOB = "training_job";
    public static final String TUNING_JOB = "tuning_job";
    public static final String ATTRIBUTE_PREFIX = "lmforge.";

    /** The event fields that name a resource, as every event message and TrainingJobSpec spell them. */
    private static final Map<String, String> EVENT_FIELDS = Map.of(
            "corpus_id", CORPUS, "dataset_id", DATASET, "training_job_name", TRAINING_JOB, "tuning_job_name", TUNING_JOB);

    private final Map<String, Object> previous = new LinkedHashMap<>();

    private ResourceIds() {
    }

    public static ResourceIds none() {
        return new ResourceIds();
    }

    public static ResourceIds of(String field, String id) {
        return none().and(field, id);
    }

    public static ResourceIds of(Message event) {
        return none().and(event);
    }

    /** Adds the ids an event names, in its own fields or in its {@code spec} (train.requested). */
    public ResourceIds and(Message event) {
        addFields(event);
        FieldDescriptor spec = event.getDescriptorForType().findFieldByName("spec");
        if (spec != null && spec.getJavaType() == FieldDescriptor.JavaType.MESSAGE && event.hasField(spec)) {
            addFields((Message) event.getField(spec));
        }
        return this;
    }

    /** Adds one id; an empty one is left out. */
    public ResourceIds and(String field, String id) {
        if (id == null || id.isEmpty()) {
            return this;
        }
        if (!previous.containsKey(field)) {
            previous.put(field, MDC.get(field));
        }
        MDC.put(field, id);
        Span.current().setAttribute(ATTRIBUTE_PREFIX + field, id);
        return this;
    }

    private void addFields(Message message) {
        for (FieldDescriptor f : message.getDescriptorForType().getFields()) {
            String field = EVENT_FIELDS.get(f.getName());
            if (field != null && f.getJavaType() == FieldDescriptor.JavaType.STRING && !f.isRepeated()) {
                and(field, (String) message.getField(f));
            }
        }
    }

    @Override
    public void close() {
        previous.forEach((field, value) -> {
            if (value == null) {
                MDC.remove(field);
            } else {
                MDC.put(field, value);
            }
        });
        previous.clear();
    }
}
