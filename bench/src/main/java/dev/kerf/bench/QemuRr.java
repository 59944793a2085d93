package dev.kerf.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a workload under {@code qemu-system-i386 -icount shift=auto,rr=record|replay,rrfile=F}
 * and times the whole process (wall; user+system CPU through /usr/bin/time).
 *
 * <p>Recording: the console script is typed one line per shell prompt ("$ "), the NE2000 (guest
 * workloads) sits behind a {@code filter-replay} object, as rr requires for a network backend;
 * the capture of a net workload comes from examples/guest/pcap-feed.py over a socket netdev.
 * Replay: no input at all (the rr file answers), the network backend is QEMU's user network
 * (nothing reaches it: filter-replay feeds the NIC from the log). QEMU's start-up (~0.1-0.3 s)
 * is inside the times, kerf's is not: the QEMU figures are upper bounds on its costs.
 */
final class QemuRr {
    /** One QEMU run: wall and CPU time, and what the guest printed. */
    record Sample(long nanos, long cpuNanos, String console) {}

    private static final Path TIME = Path.of("/usr/bin/time");
    /** Longest wait for the echo of a typed byte (see {@link #type}). */
    private static final long ECHO_WAIT_MS = 2000;

    private QemuRr() {}

    static Sample run(RecWorkload w, String mode, Path rrFile, Path feeder, Path scratch) throws IOException, InterruptedException {
        Process feed = null;
        String netdev = "user,id=n0";
        if (w.netIn() != null && mode.equals("record")) {
            Path ready = scratch.resolve("feed-ready");
            Files.deleteIfExists(ready);
            feed = new ProcessBuilder("python3", feeder.toString(), "--port", "5557", "--in", w.netIn().toString(),
                    "--out", scratch.resolve("qemu-net-out.pcap").toString(), "--ready-file", ready.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            for (int i = 0; i < 100 && !Files.exists(ready); i++) Thread.sleep(100);
            netdev = "socket,id=n0,connect=127.0.0.1:5557";
        }
        try {
            return time(command(w, mode, rrFile, netdev), mode.equals("record") ? w.scriptLines() : List.of(), scratch);
        } finally {
            if (feed != null) {
                feed.destroy();
                feed.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static List<String> command(RecWorkload w, String mode, Path rrFile, String netdev) {
        List<String> cmd = new ArrayList<>(List.of("timeout", "60", "qemu-system-i386",
                "-icount", "shift=auto,rr=" + mode + ",rrfile=" + rrFile));
        cmd.addAll(w.qemuArgs());
        if (w.initrd() != null) cmd.addAll(List.of("-netdev", netdev, "-object", "filter-replay,id=r0,netdev=n0"));
        return cmd;
    }

    private static Sample time(List<String> qemu, List<String> script, Path scratch) throws IOException, InterruptedException {
        Path cpuFile = scratch.resolve("qemu.time");
        List<String> cmd = new ArrayList<>(List.of(TIME.toString(), "-f", "%U %S", "-o", cpuFile.toString()));
        cmd.addAll(qemu);
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> copy(p.getInputStream(), out), "qemu-stdout");
        reader.start();
        type(p, script, out);
        reader.join(70_000);
        if (!p.waitFor(70, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("qemu-system-i386 did not finish");
        }
        long nanos = System.nanoTime() - t0;
        String console;
        synchronized (out) {
            console = out.toString(StandardCharsets.ISO_8859_1);
        }
        if (p.exitValue() != 1) throw new IllegalStateException("qemu-system-i386 exited with " + p.exitValue() + ": " + qemu
                + "; console ended: " + console.substring(Math.max(0, console.length() - 300)));
        String[] us = Files.readString(cpuFile).trim().split("\\s+");
        long cpu = Math.round((Double.parseDouble(us[us.length - 2]) + Double.parseDouble(us[us.length - 1])) * 1e9);
        return new Sample(nanos, cpu, console);
    }

    /**
     * Types each line once the guest has printed one more shell prompt than lines typed so far,
     * one byte at a time, each after the guest echoed the one before: under rr, QEMU hands a chunk
     * of stdin to the UART at once, ignoring its receive flow control, and bytes are overrun.
     */
    private static void type(Process p, List<String> script, ByteArrayOutputStream out) throws IOException, InterruptedException {
        OutputStream in = p.getOutputStream();
        for (int sent = 0; sent < script.size(); sent++) {
            while (prompts(out) <= sent) {
                if (!p.isAlive()) return;
                Thread.sleep(20);
            }
            for (byte b : (script.get(sent) + "\n").getBytes(StandardCharsets.US_ASCII)) {
                int before = length(out);
                in.write(b);
                in.flush();
                for (int t = 0; t < ECHO_WAIT_MS / 5 && length(out) == before && p.isAlive(); t++) Thread.sleep(5);
            }
        }
    }

    private static int length(ByteArrayOutputStream out) {
        synchronized (out) {
            return out.size();
        }
    }

    private static int prompts(ByteArrayOutputStream out) {
        String s;
        synchronized (out) {
            s = out.toString(StandardCharsets.ISO_8859_1);
        }
        int n = 0;
        for (int i = s.indexOf("$ "); i >= 0; i = s.indexOf("$ ", i + 2)) n++;
        return n;
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                synchronized (out) {
                    out.write(buf, 0, n);
                }
            }
        } catch (IOException e) {
            // the process ended: what was read is the console
        }
    }
}
