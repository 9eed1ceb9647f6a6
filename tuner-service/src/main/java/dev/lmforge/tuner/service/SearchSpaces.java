package dev.lmforge.tuner.service;

import dev.lmforge.api.v1.CategoricalParameterRange;
import dev.lmforge.api.v1.ContinuousParameterRange;
import dev.lmforge.api.v1.IntegerParameterRange;
import dev.lmforge.api.v1.ParameterRanges;
import dev.lmforge.api.v1.ScalingType;
import dev.lmforge.common.errors.LmForgeException;
import dev.lmforge.tuner.strategy.Assignment;
import dev.lmforge.tuner.strategy.Parameter;
import dev.lmforge.tuner.strategy.Scaling;
import dev.lmforge.tuner.strategy.SearchSpace;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The API's parameter ranges as the strategies' search space, and assignments as training-job hyperparameters. */
final class SearchSpaces {

    private SearchSpaces() {
    }

    static SearchSpace of(ParameterRanges ranges) {
        List<Parameter> parameters = new ArrayList<>();
        for (ContinuousParameterRange r : ranges.getContinuousList()) {
            parameters.add(Parameter.continuous(r.getName(), r.getMinValue(), r.getMaxValue(), scaling(r.getScalingType())));
        }
        for (IntegerParameterRange r : ranges.getIntegerList()) {
            parameters.add(Parameter.integer(r.getName(), r.getMinValue(), r.getMaxValue(), scaling(r.getScalingType())));
        }
        for (CategoricalParameterRange r : ranges.getCategoricalList()) {
            parameters.add(Parameter.categorical(r.getName(), r.getValuesList()));
        }
        if (parameters.isEmpty()) {
            throw LmForgeException.invalidArgument("ranges is empty: give at least one continuous, integer or categorical range to tune");
        }
        try {
            return SearchSpace.of(parameters);
        } catch (IllegalArgumentException e) {
            throw LmForgeException.invalidArgument("%s", e.getMessage());
        }
    }

    private static Scaling scaling(ScalingType type) {
        return switch (type) {
            case SCALING_TYPE_LINEAR -> Scaling.LINEAR;
            case SCALING_TYPE_LOGARITHMIC -> Scaling.LOGARITHMIC;
            case SCALING_TYPE_REVERSE_LOGARITHMIC -> Scaling.REVERSE_LOGARITHMIC;
            default -> Scaling.AUTO;
        };
    }

    /** An assignment's values as SageMaker-style string hyperparameters. */
    static Map<String, String> hyperparameters(Assignment a) {
        Map<String, String> out = new LinkedHashMap<>();
        a.values().forEach((k, v) -> out.put(k, v instanceof Double d ? Double.toString(d) : String.valueOf(v)));
        if (a.resource() > 0) {
            out.put("epochs", Integer.toString(a.resource()));
        }
        return out;
    }

    /**
     * The trials at the corners of the space, for the trainer to check before any runs: every
     * numeric range at its minimum, then at its maximum, and every category at least once.
     */
    static List<Map<String, String>> corners(SearchSpace space) {
        int categories = space.parameters().stream().mapToInt(p -> p instanceof Parameter.Categorical c ? c.values().size() : 0).max().orElse(0);
        List<Map<String, String>> corners = new ArrayList<>();
        for (int i = 0; i < Math.max(2, categories); i++) {
            Map<String, Object> values = new LinkedHashMap<>();
            for (Parameter p : space.parameters()) {
                if (p instanceof Parameter.Continuous c) {
                    values.put(p.name(), i == 0 ? c.min() : c.max());
                } else if (p instanceof Parameter.Int n) {
                    values.put(p.name(), i == 0 ? n.min() : n.max());
                } else if (p instanceof Parameter.Categorical c) {
                    values.put(p.name(), c.values().get(Math.min(i, c.values().size() - 1)));
                }
            }
            corners.add(hyperparameters(new Assignment(values, 0, "")));
        }
        return corners;
    }

    /** Back from a trial's hyperparameters to the assignment the strategy made. */
    static Assignment assignment(SearchSpace space, Map<String, String> hyperparameters, int resource, String tag) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Parameter p : space.parameters()) {
            String v = hyperparameters.get(p.name());
            if (v == null) {
                throw new IllegalStateException("trial lacks hyperparameter " + p.name());
            }
            Object value;
            if (p instanceof Parameter.Continuous) {
                value = Double.parseDouble(v);
            } else if (p instanceof Parameter.Int) {
                value = Long.parseLong(v);
            } else {
                value = v;
            }
            values.put(p.name(), value);
        }
        return new Assignment(values, resource, tag);
    }
}
