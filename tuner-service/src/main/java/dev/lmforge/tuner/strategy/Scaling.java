package dev.lmforge.tuner.strategy;

/**
 * How a numeric range is mapped onto the unit interval, with SageMaker's semantics.
 * <ul>
 *   <li>{@link #LINEAR}: u = (v - min) / (max - min).</li>
 *   <li>{@link #LOGARITHMIC}: u = (ln v - ln min) / (ln max - ln min); needs min &gt; 0.</li>
 *   <li>{@link #REVERSE_LOGARITHMIC}: u = (ln(1 - min) - ln(1 - v)) / (ln(1 - min) - ln(1 - max)),
 *       dense near 1 (e.g. momentum 0.9 .. 0.999); needs 0 &lt;= min and max &lt; 1, continuous ranges only.</li>
 *   <li>{@link #AUTO}: {@link #LOGARITHMIC} when min &gt; 0 and max / min &gt;= {@value #AUTO_LOG_RATIO}
 *       (the range spans two orders of magnitude or more), else {@link #LINEAR}.</li>
 * </ul>
 */
public enum Scaling {
    AUTO,
    LINEAR,
    LOGARITHMIC,
    REVERSE_LOGARITHMIC;

    /** AUTO picks logarithmic scaling when max / min is at least this (and min &gt; 0). */
    public static final double AUTO_LOG_RATIO = 100.0;

    /** The scaling AUTO resolves to for the range [min, max]; other scalings resolve to themselves. */
    public Scaling resolve(double min, double max) {
        if (this != AUTO) {
            return this;
        }
        return min > 0 && max / min >= AUTO_LOG_RATIO ? LOGARITHMIC : LINEAR;
    }
}
