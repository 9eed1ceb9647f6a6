package dev.lmforge.tuner.study;

import dev.lmforge.api.v1.Corpus;
import dev.lmforge.api.v1.Dataset;
import dev.lmforge.api.v1.DatasetSplit;
import dev.lmforge.api.v1.EpochMetrics;
import dev.lmforge.api.v1.Metric;
import dev.lmforge.api.v1.TrainingJob;
import dev.lmforge.common.metrics.MetricNames;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The study's verdicts from hand-made results: what counts as noise, who wins, and what is left unanswered. */
class StudyFindingsTest {

    private final StudyPlan plan = StudyPlan.of("st", Budget.SMALL, 9_000);
    private final Map<String, TrainingJob> jobs = new HashMap<>();
    private final Map<String, Dataset> datasets = new HashMap<>();

    private StudyFindings findings() {
        return new StudyFindings(new StudyResults(plan, Corpus.getDefaultInstance(), Optional.empty(), datasets, jobs, Optional.empty(), Map.of()));
    }

    private void bpc(String run, double value) {
        jobs.put(run, TrainingJob.newBuilder().addFinalMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_BPC).setValue(value)).build());
    }

    private void dataset(String run, long trainTokens, double unknownRate) {
        datasets.put(run, Dataset.newBuilder().putSplits("train", DatasetSplit.newBuilder().setTokens(trainTokens).build())
                .putSplits("validation", DatasetSplit.newBuilder().setUnknownRate(unknownRate).build()).build());
    }

    @Test
    void theSeedSpreadIsTheNoiseAgainstWhichDifferencesAreJudged() {
        bpc(StudyPlan.seedRun(1), 1.50);
        assertTrue(Double.isNaN(findings().seedSpread()), "one seed: no noise estimate");
        assertFalse(findings().beyondNoise(1.0), "with the noise unknown nothing is called real");
        bpc(StudyPlan.seedRun(2), 1.52);
        assertEquals(0.02, findings().seedSpread(), 1e-12);
        assertTrue(findings().beyondNoise(-0.03));
        assertFalse(findings().beyondNoise(0.01));
    }

    @Test
    void theLowestBpcTokenizationWinsAndManyUnknownWordsQualifyAWordWin() {
        dataset(StudyPlan.WORD, 1000, 0.05);
        dataset(StudyPlan.BPE, 1000, 0);
        bpc(StudyFindings.REFERENCE, 1.40);
        bpc(StudyPlan.BPE_LSTM, 1.45);
        StudyFindings.Tokenization t = findings().tokenization().orElseThrow();
        assertEquals("word", t.best());
        assertEquals(Map.of("BPE", 0.05), Map.of("BPE", Math.round(t.behindBest().get("BPE") * 100) / 100.0));
        assertTrue(t.wordWinsOnUnknowns());
        dataset(StudyPlan.WORD, 1000, 0.001);
        assertFalse(findings().tokenization().orElseThrow().wordWinsOnUnknowns());
    }

    @Test
    void aQuestionWhoseRunsDidNotCompleteIsNotAnswered() {
        assertTrue(findings().tokenization().isEmpty());
        assertTrue(findings().stopWords().isEmpty());
        assertTrue(findings().parameters().isEmpty());
        assertTrue(findings().baselines().isEmpty());
        bpc(StudyFindings.REFERENCE, 1.40);
        dataset(StudyPlan.WORD, 1000, 0);
        bpc(StudyPlan.dataRun(10), 1.9);
        assertTrue(findings().data().isEmpty(), "two points make no curve");
    }

    @Test
    void moreDataHelpsWhenTheCurveFallsByMoreThanTheNoisePerDoubling() {
        dataset(StudyPlan.WORD, 100_000, 0);
        bpc(StudyFindings.REFERENCE, 1.40);
        bpc(StudyPlan.seedRun(2), 1.41);
        bpc(StudyPlan.dataRun(10), 1.40 + 0.1 * Math.log(10) / Math.log(2));
        bpc(StudyPlan.dataRun(25), 1.40 + 0.1 * Math.log(4) / Math.log(2));
        bpc(StudyPlan.dataRun(50), 1.50);
        StudyFindings.DataCurve curve = findings().data().orElseThrow();
        assertEquals(0.1, curve.gainPerDoubling(), 0.002);
        assertEquals(1.30, curve.doubledBpc(), 0.005);
        assertTrue(findings().moreDataHelps(curve));
    }

    @Test
    void theBestLstmAgainstTheBestBaselineLevelWithinTheNoise() {
        bpc(StudyFindings.REFERENCE, 1.40);
        bpc(StudyPlan.seedRun(2), 1.43);
        bpc(StudyPlan.ONE_LAYER, 1.39);
        bpc(StudyPlan.ngramRun(5), 1.41);
        bpc(StudyPlan.NO_RECURRENCE, 1.60);
        StudyFindings.Baselines b = findings().baselines().orElseThrow();
        assertEquals(StudyPlan.ONE_LAYER, b.bestLstm());
        assertEquals(StudyPlan.ngramRun(5), b.bestBaseline());
        assertEquals(0.02, b.gain(), 1e-12);
        assertTrue(findings().level(b), "0.02 apart with a 0.03 seed spread");
        assertEquals(0.01, b.secondLayer().getAsDouble(), 1e-12);
    }

    @Test
    void aJobWhoseLastEpochStillGainedMoreThanTheNoiseStoppedTooSoon() {
        bpc(StudyPlan.seedRun(2), 1.41);
        jobs.put(StudyFindings.REFERENCE, TrainingJob.newBuilder()
                .addFinalMetrics(Metric.newBuilder().setName(MetricNames.VALIDATION_BPC).setValue(1.40))
                .addEpochs(EpochMetrics.newBuilder().setValidationBpc(1.50)).addEpochs(EpochMetrics.newBuilder().setValidationBpc(1.40)).build());
        assertEquals(1.50, findings().stillImproving(StudyFindings.REFERENCE).orElseThrow()[0], 1e-12);
        bpc(StudyPlan.seedRun(2), 1.60);
        assertTrue(findings().stillImproving(StudyFindings.REFERENCE).isEmpty(), "a gain within the noise says nothing");
    }
}
