/**
 * The tuner's search strategies as a plain-Java library (no Quarkus, Kafka or gRPC inside), behind
 * one interface, {@link dev.lmforge.tuner.strategy.SuggestionStrategy}, as kubeflow/katib's
 * suggestion services are.
 *
 * <h2>Model</h2>
 * <ul>
 *   <li>{@link dev.lmforge.tuner.strategy.SearchSpace}: validated ranges
 *       ({@link dev.lmforge.tuner.strategy.Parameter}: continuous, integer, categorical;
 *       {@link dev.lmforge.tuner.strategy.Scaling}: Auto, Linear, Logarithmic, ReverseLogarithmic)
 *       and their maps onto the unit cube.</li>
 *   <li>{@link dev.lmforge.tuner.strategy.Assignment}: one value per parameter, plus the resource
 *       (epochs) and tag a strategy may attach; {@link dev.lmforge.tuner.strategy.Observation}: an
 *       assignment and its final objective, always minimised (negate for Maximize; non-finite =
 *       failed).</li>
 *   <li>{@link dev.lmforge.tuner.strategy.Strategies#create} builds a strategy from a
 *       {@link dev.lmforge.tuner.strategy.StrategySpec}: {@link dev.lmforge.tuner.strategy.RandomSearch},
 *       {@link dev.lmforge.tuner.strategy.GridSearch}, {@link dev.lmforge.tuner.strategy.BayesianOptimization},
 *       {@link dev.lmforge.tuner.strategy.Hyperband}.</li>
 *   <li>{@link dev.lmforge.tuner.strategy.MedianStoppingRule}: early stopping Auto;
 *       {@link dev.lmforge.tuner.strategy.ParameterImportance}: name → importance.</li>
 * </ul>
 *
 * <h2>Driving a strategy from the service</h2>
 * Strategies keep no state between calls: every suggestion is a function of the seed, the
 * observations and the pending assignments, so the service can rebuild a strategy after a restart
 * from its S3 state and get the same answers. On every event that frees a slot (trial finished,
 * failed or stopped; job created):
 * <pre>{@code
 * List<Observation> obs = warmStartParentObservations + finishedTrials;   // objective minimised
 * List<Assignment> pending = runningTrials;                              // with their resource and tag
 * int free = min(maxParallelJobs - pending.size(), maxJobs - obs(own).size() - pending.size());
 * for (Assignment a : strategy.suggest(free, obs, pending)) {
 *     // train.requested with hyperparameters = static + a.hyperparameters(),
 *     // epochs = a.resource() when > 0; store a (values, resource, tag) with the trial
 * }
 * // an empty answer with nothing pending: the strategy is exhausted (e.g. the grid is done)
 * }</pre>
 * Parent (warm-start) trials are parsed with {@link dev.lmforge.tuner.strategy.SearchSpace#parse}
 * and simply added to the observations.
 */
package dev.lmforge.tuner.strategy;
