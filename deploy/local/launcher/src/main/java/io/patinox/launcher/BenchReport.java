package io.patinox.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/** The benchmark's figures: a table for people, one JSON line for tools, an HTML page with a latency plot. */
final class BenchReport {

    private final BenchRecorder rec;
    private final ServiceStats stats;
    private final int tasks;
    private final double rate;
    private final int inFlight;
    private final double seconds;
    private final List<Double> taskMs;
    private final List<Double> validatorMs;
    private final List<Double> insideMs;
    private final List<Double> overheadMs;

    BenchReport(BenchRecorder rec, ServiceStats stats, int tasks, double rate, int inFlight) {
        this.rec = rec;
        this.stats = stats;
        this.tasks = tasks;
        this.rate = rate;
        this.inFlight = inFlight;
        this.seconds = rec.seconds();
        this.taskMs = sorted(rec.taskPoints().stream().map(BenchRecorder.TaskPoint::latencyMs).toList());
        this.validatorMs = sorted(rec.stepPoints().stream().map(BenchRecorder.StepPoint::roundTripMs).toList());
        this.insideMs = sorted(rec.validatorInsideMs());
        this.overheadMs = sorted(rec.overheadMs());
    }

    void print(Consumer<String> out) {
        out.accept("");
        out.accept(String.format(Locale.ROOT, "%d tasks submitted (%s, ≤ %d in flight), %d results in %.1f s %s",
                tasks, rate > 0 ? rate + "/s" : "unpaced", inFlight, rec.results(), seconds, rec.statuses()));
        out.accept(String.format(Locale.ROOT, "%-34s %10s %10s %10s", "", "p50", "p99", "max"));
        row(out, "task end to end (ms)", taskMs);
        row(out, "validator round trip (ms)", validatorMs);
        row(out, "  inside the validator (ms)", insideMs);
        row(out, "  mesh overhead per step (ms)", overheadMs);
        out.accept(String.format(Locale.ROOT, "%-34s %10.1f", "round trip / in-process chain (p50)", meshRatio()));
        out.accept(String.format(Locale.ROOT, "%-34s %10.1f", "tasks/s", rec.results() / seconds));
        out.accept(String.format(Locale.ROOT, "%-34s %10.1f", "steps/s", rec.stepCount() / seconds));
        out.accept(String.format(Locale.ROOT, "%-12s %10s %8s %14s", "process", "rss MB", "cpu %", "cpu ms/step"));
        Map<String, Double> perStep = cpuMillisPerStep();
        stats.rssMb().forEach((name, mb) -> out.accept(String.format(Locale.ROOT, "%-12s %10.0f %8.0f %14.3f", name, mb,
                stats.cpuPercent().getOrDefault(name, -1.0), perStep.getOrDefault(name, Double.NaN))));
        out.accept(String.format(Locale.ROOT, "%-12s %10s %8.0f %14.3f", "total", "",
                stats.cpuPercent().values().stream().mapToDouble(Double::doubleValue).sum(), totalCpuMillisPerStep()));
        out.accept("consumer lag (max during run / at end):");
        stats.maxLag().forEach((group, lag) -> out.accept(String.format(Locale.ROOT, "  %-60s %6d / %d", group, lag,
                stats.endLag().getOrDefault(group, 0L))));
        out.accept("overhead = validator round trip seen by the executor − time inside the validator (its"
                + " ValidationReply.latencyMicros): Kafka hops, (de)serialisation, queueing");
        out.accept("in-process chain = the same chain called in process, timed by the validator on the same requests");
    }

    /** CPU milliseconds per measured step, per process (broker included). */
    private Map<String, Double> cpuMillisPerStep() {
        long steps = rec.stepCount();
        Map<String, Double> perStep = new java.util.LinkedHashMap<>();
        stats.cpuMillis().forEach((name, ms) -> perStep.put(name, steps > 0 ? ms / steps : Double.NaN));
        return perStep;
    }

    /** CPU milliseconds per measured step summed over the processes: what one step costs the whole mesh. */
    private double totalCpuMillisPerStep() {
        return cpuMillisPerStep().values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** How many times longer a step's verdict takes through the mesh than the same chain called in process. */
    private double meshRatio() {
        double inside = pct(insideMs, 50);
        return inside > 0 ? pct(validatorMs, 50) / inside : Double.NaN;
    }

    private static void row(Consumer<String> out, String name, List<Double> values) {
        out.accept(String.format(Locale.ROOT, "%-34s %10.2f %10.2f %10.2f  (n=%d)", name, pct(values, 50),
                pct(values, 99), values.isEmpty() ? Double.NaN : values.get(values.size() - 1), values.size()));
    }

    String json() {
        StringBuilder b = new StringBuilder("{");
        b.append(String.format(Locale.ROOT, "\"tasks\":%d,\"results\":%d,\"seconds\":%.2f,", tasks, rec.results(), seconds));
        b.append(String.format(Locale.ROOT, "\"tasks_per_s\":%.1f,\"steps_per_s\":%.1f,", rec.results() / seconds,
                rec.stepCount() / seconds));
        b.append(String.format(Locale.ROOT, "\"step_overhead_p50_ms\":%s,\"step_overhead_p99_ms\":%s,",
                num(pct(overheadMs, 50)), num(pct(overheadMs, 99))));
        b.append(String.format(Locale.ROOT, "\"validator_p50_ms\":%s,\"validator_p99_ms\":%s,",
                num(pct(validatorMs, 50)), num(pct(validatorMs, 99))));
        b.append(String.format(Locale.ROOT, "\"validator_inside_p50_ms\":%s,", num(pct(insideMs, 50))));
        b.append(String.format(Locale.ROOT, "\"inprocess_chain_p50_ms\":%s,\"mesh_vs_inprocess_ratio\":%s,",
                num(pct(insideMs, 50)), num(meshRatio())));
        b.append(String.format(Locale.ROOT, "\"task_p50_ms\":%s,\"task_p99_ms\":%s,",
                num(pct(taskMs, 50)), num(pct(taskMs, 99))));
        b.append("\"rss_mb\":").append(object(stats.rssMb(), "%.0f")).append(',');
        b.append("\"cpu_pct\":").append(object(stats.cpuPercent(), "%.0f")).append(',');
        b.append("\"cpu_ms_per_step\":").append(num(totalCpuMillisPerStep())).append(',');
        b.append("\"cpu_ms_per_step_by_process\":").append(object(cpuMillisPerStep(), "%.3f")).append(',');
        b.append("\"max_lag\":").append(object(stats.maxLag(), "%d"));
        return b.append('}').toString();
    }

    /** Writes {@code mesh-<timestamp>.html}: task latency and validator round trip over time. */
    void writeHtml(Path dir, Consumer<String> out) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        Path file = dir.resolve("mesh-" + stamp + ".html");
        List<double[]> tasksXY = rec.taskPoints().stream().map(p -> new double[] { p.atSeconds(), p.latencyMs() }).toList();
        List<double[]> stepsXY = rec.stepPoints().stream().map(p -> new double[] { p.atSeconds(), p.roundTripMs() }).toList();
        String html = "<!doctype html><meta charset=utf-8><title>patinox bench mesh " + stamp + "</title>"
                + "<body style='font-family:sans-serif'><h1>patinox bench mesh — " + stamp + "</h1>"
                + "<p>" + String.format(Locale.ROOT, "%d tasks, %.1f tasks/s, %.1f steps/s, task p50 %.1f ms, p99 %.1f ms",
                        rec.results(), rec.results() / seconds, rec.stepCount() / seconds, pct(taskMs, 50), pct(taskMs, 99))
                + "</p>" + svg(tasksXY, stepsXY) + "<p><span style='color:#1f77b4'>●</span> task end to end (by submit time)"
                + " &nbsp; <span style='color:#d62728'>●</span> validator round trip (by step time)</p>"
                + "<pre>" + json().replace("<", "&lt;") + "</pre></body>";
        try {
            Files.createDirectories(dir);
            Files.writeString(file, html);
            out.accept("plot      " + file);
        } catch (IOException e) {
            out.accept("cannot write " + file + ": " + e.getMessage());
        }
    }

    private static String svg(List<double[]> a, List<double[]> b) {
        int w = 900;
        int h = 400;
        int m = 50;
        List<double[]> all = new ArrayList<>(a);
        all.addAll(b);
        double maxX = all.stream().mapToDouble(p -> p[0]).max().orElse(1);
        double maxY = all.stream().mapToDouble(p -> p[1]).max().orElse(1);
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns='http://www.w3.org/2000/svg' width='%d' height='%d'>"
                        + "<line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/><line x1='%d' y1='%d' x2='%d' y2='%d' stroke='black'/>"
                        + "<text x='%d' y='%d'>time (s), max %.1f</text><text x='5' y='%d'>ms, max %.0f</text>",
                w, h, m, h - m, w - 10, h - m, m, 10, m, h - m, w / 2, h - 15, maxX, m - 20, maxY));
        for (var series : List.of(a, b)) {
            String color = series == a ? "#1f77b4" : "#d62728";
            for (double[] p : series) {
                s.append(String.format(Locale.ROOT, "<circle cx='%.1f' cy='%.1f' r='1.5' fill='%s' fill-opacity='0.5'/>",
                        m + p[0] / maxX * (w - m - 10), h - m - p[1] / maxY * (h - m - 10), color));
            }
        }
        return s.append("</svg>").toString();
    }

    static List<Double> sorted(List<Double> values) {
        List<Double> copy = new ArrayList<>(values);
        copy.sort(Double::compare);
        return copy;
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "null" : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String object(Map<String, ? extends Number> values, String format) {
        return values.entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + String.format(Locale.ROOT, format, e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }
}
