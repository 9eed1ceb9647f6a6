package dev.lmforge.cli.support;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** PNG charts with JFreeChart (headless). */
public final class Charts {

    private Charts() {
    }

    /** One line per series; each series is {xs, ys}. */
    public static void lines(String title, String xLabel, String yLabel, Map<String, double[][]> series, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            for (int i = 0; i < e.getValue()[0].length; i++) {
                s.add(e.getValue()[0][i], e.getValue()[1][i]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRenderer(new XYLineAndShapeRenderer(true, true));
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 540);
    }

    /** Points only: one marker per observation. */
    public static void scatter(String title, String xLabel, String yLabel, Map<String, double[][]> series, Path file, boolean logX) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            XYSeries s = new XYSeries(e.getKey());
            for (int i = 0; i < e.getValue()[0].length; i++) {
                s.add(e.getValue()[0][i], e.getValue()[1][i]);
            }
            data.addSeries(s);
        }
        JFreeChart chart = ChartFactory.createScatterPlot(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, series.size() > 1, false, false);
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        if (logX) {
            plot.setDomainAxis(new org.jfree.chart.axis.LogarithmicAxis(xLabel));
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, 900, 540);
    }
}
