package io.patinox.launcher;

import io.patinox.contracts.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The services seen from outside during a benchmark: resident memory and CPU time from {@code /proc}
 * for the pids in {@code .patinox/run}, and the lag of every consumer group on the task and
 * validation-request topics (end offsets minus committed offsets), sampled once a second.
 */
final class ServiceStats {

    static final Set<String> LAG_TOPICS = Set.of(Topics.TASKS, Topics.VALIDATION_REQUESTS);
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux

    private final Workspace ws;
    private final String bootstrap;
    private final Map<String, Long> cpuTicksAtBegin = new LinkedHashMap<>();
    private final Map<String, Double> cpuPercent = new LinkedHashMap<>();
    private final Map<String, Double> cpuMillis = new LinkedHashMap<>();
    private final Map<String, Double> rssMb = new LinkedHashMap<>();
    private final Map<String, Long> maxLag = new LinkedHashMap<>();
    private final Map<String, Long> endLag = new LinkedHashMap<>();
    private long begin;

    ServiceStats(Workspace ws, String bootstrap) {
        this.ws = ws;
        this.bootstrap = bootstrap;
    }

    void begin() {
        begin = System.nanoTime();
        pids().forEach((name, pid) -> cpuTicksAtBegin.put(name, cpuTicks(pid)));
    }

    void end() {
        double seconds = (System.nanoTime() - begin) / 1e9;
        pids().forEach((name, pid) -> {
            Long before = cpuTicksAtBegin.get(name);
            long after = cpuTicks(pid);
            if (before != null && before >= 0 && after >= 0) {
                cpuPercent.put(name, 100.0 * (after - before) / CLOCK_TICKS / seconds);
                cpuMillis.put(name, 1000.0 * (after - before) / CLOCK_TICKS);
            }
            rssMb.put(name, rssKb(pid) / 1024.0);
        });
        synchronized (this) {
            endLag.putAll(lag());
        }
    }

    /** Starts a daemon thread that keeps the highest lag per group until {@code stop}. */
    Thread sampleLag(AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            while (!stop.get()) {
                Map<String, Long> now = lag();
                synchronized (this) {
                    now.forEach((group, lag) -> maxLag.merge(group, lag, Math::max));
                }
                MeshBench.sleepNanos(TimeUnit.SECONDS.toNanos(1));
            }
        }, "bench-lag");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Lag per consumer group (name: group/topic) on {@link #LAG_TOPICS}; empty if the broker does not answer. */
    Map<String, Long> lag() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        Map<String, Long> lag = new LinkedHashMap<>();
        try (Admin admin = Admin.create(p)) {
            for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(5, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId())
                        .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
                Map<TopicPartition, OffsetSpec> wanted = new LinkedHashMap<>();
                committed.keySet().stream().filter(tp -> LAG_TOPICS.contains(tp.topic()))
                        .forEach(tp -> wanted.put(tp, OffsetSpec.latest()));
                if (wanted.isEmpty()) {
                    continue;
                }
                Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(wanted).all().get(5,
                        TimeUnit.SECONDS);
                ends.forEach((tp, info) -> {
                    OffsetAndMetadata c = committed.get(tp);
                    long behind = Math.max(0, info.offset() - (c == null ? 0 : c.offset()));
                    lag.merge(group.groupId() + "/" + tp.topic(), behind, Long::sum);
                });
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        return lag;
    }

    Map<String, Double> rssMb() {
        return rssMb;
    }

    Map<String, Double> cpuPercent() {
        return cpuPercent;
    }

    /** CPU time (user + system) each process used between {@link #begin} and {@link #end}, in milliseconds. */
    Map<String, Double> cpuMillis() {
        return cpuMillis;
    }

    synchronized Map<String, Long> maxLag() {
        return new LinkedHashMap<>(maxLag);
    }

    synchronized Map<String, Long> endLag() {
        return new LinkedHashMap<>(endLag);
    }

    /** Name → pid for every live process with a pid file, the broker included. */
    Map<String, Long> pids() {
        Map<String, Long> pids = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(List.of(LocalMesh.BROKER));
        ServiceSpec.ALL.forEach(s -> names.add(s.name()));
        for (String name : names) {
            Processes.fromPidFile(ws.pidFile(name)).ifPresent(h -> pids.put(name, h.pid()));
        }
        return pids;
    }

    /** VmRSS in kB, or -1 when unreadable (not Linux, process gone). */
    static long rssKb(long pid) {
        try (Stream<String> lines = Files.lines(Path.of("/proc", Long.toString(pid), "status"))) {
            return lines.filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** utime + stime of the process, in clock ticks, or -1. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of stat(5)
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
