package dev.kerf.bench;

import dev.kerf.formats.journal.EventKind;

import java.util.List;
import java.util.Locale;

/** Prints {@link RecordBench}'s four Markdown tables, the ones docs/benchmarks.md quotes. */
final class RecordReport {
    private RecordReport() {}

    static void print(List<RecordBench.Row> rows, boolean qemu) {
        speed(rows);
        size(rows);
        costs(rows);
        if (qemu) qemu(rows);
    }

    /** (a) and (c): record overhead against a plain run, replay speed against record speed. */
    private static void speed(List<RecordBench.Row> rows) {
        System.out.println("\n(a) record overhead and (c) replay speed: medians, ms (wall / guest-thread CPU)\n");
        System.out.println("| workload | rounds | insns | run wall | record wall | overhead wall | run CPU | record CPU | overhead CPU"
                + " | of which end hash CPU | overhead CPU without it | overhead CPU, best of N | replay wall | replay CPU | replay/record speed wall | replay/record speed CPU | replay MIPS (CPU) |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (RecordBench.Row r : rows) {
            System.out.printf(Locale.ROOT, "| %s | %d | %,d | %.0f | %.0f | %+.1f %% | %.0f | %.0f | %+.1f %% | %.0f | %+.1f %% | %+.1f %% | %.0f | %.0f | %.2f | %.2f | %.1f |%n",
                    r.w().name(), r.rounds(), r.icount(), ms(r.runNs()), ms(r.recNs()), pct(r.recNs(), r.runNs()), ms(r.runCpu()),
                    ms(r.recCpu()), pct(r.recCpu(), r.runCpu()), ms(r.endHashCpu()),
                    pct(r.recCpu() - r.endHashCpu(), r.runCpu()), pct(r.recCpuMin(), r.runCpuMin()), ms(r.repNs()), ms(r.repCpu()),
                    (double) r.recNs() / r.repNs(), (double) r.recCpu() / r.repCpu(), r.icount() / (r.repCpu() / 1e3));
        }
    }

    /** (b): what the journal holds and what it weighs. */
    private static void size(List<RecordBench.Row> rows) {
        System.out.println("\n(b) log size (guest time = recording wall time: host clock)\n");
        System.out.println("| workload | guest s | port_in | port_block | port_change | interrupt | rdtsc | state_hash | end | excerpts"
                + " | journal bytes | bytes / M insns | bytes / guest minute | timer IRQs | bytes / timer IRQ | console out bytes"
                + " | bytes / console out byte | ATA data bytes | ATA log bytes / data byte |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (RecordBench.Row r : rows) {
            LogAnalysis.Result l = r.log();
            double guestS = r.lastRecNs() / 1e9; // the analysed recording's own duration
            long timer = l.timerIrqs();
            long lsr = l.bytes().get("COM1 LSR reads");
            long ata = l.bytes().get("ATA reads");
            System.out.printf(Locale.ROOT, "| %s | %.2f | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %.1f | %,.0f | %,d | %s | %,d | %s | %,d | %s |%n",
                    r.w().name(), guestS, l.events().get(EventKind.PORT_IN), l.events().get(EventKind.PORT_BLOCK),
                    l.events().get(EventKind.PORT_CHANGE), l.events().get(EventKind.INTERRUPT),
                    l.events().get(EventKind.RDTSC), l.events().get(EventKind.STATE_HASH), l.events().get(EventKind.END),
                    l.excerpts(), l.journalBytes(), l.journalBytes() / (r.icount() / 1e6), l.journalBytes() / (guestS / 60),
                    timer, timer == 0 ? "—" : String.format(Locale.ROOT, "%.2f", (double) l.bytes().get("timer interrupts") / timer),
                    r.consoleBytes(), r.consoleBytes() == 0 ? "—" : String.format(Locale.ROOT, "%.3f", (double) lsr / r.consoleBytes()),
                    l.ataDataBytes(), l.ataDataBytes() == 0 ? "—" : String.format(Locale.ROOT, "%.3f", (double) ata / l.ataDataBytes()));
        }
    }

    /** Where the bytes go: marginal payload bytes per category, and framing. */
    private static void costs(List<RecordBench.Row> rows) {
        System.out.println("\nWhere the bytes go: events (marginal payload bytes)\n");
        StringBuilder head = new StringBuilder("| workload |"), rule = new StringBuilder("|---|");
        for (String c : LogAnalysis.CATEGORIES.keySet()) {
            head.append(' ').append(c).append(" |");
            rule.append("---:|");
        }
        System.out.println(head.append(" excerpt framing |"));
        System.out.println(rule.append("---:|"));
        for (RecordBench.Row r : rows) {
            StringBuilder b = new StringBuilder("| " + r.w().name() + " |");
            for (String c : LogAnalysis.CATEGORIES.keySet()) {
                long n = r.log().count().get(c);
                b.append(n == 0 ? " — |" : String.format(Locale.ROOT, " %,d (%,d B) |", n, r.log().bytes().get(c)));
            }
            b.append(String.format(Locale.ROOT, " %,d × 28 = %,d B |", r.log().excerpts(), r.log().framingBytes()));
            System.out.println(b);
        }
    }

    /** (d): QEMU -icount rr side by side. */
    private static void qemu(List<RecordBench.Row> rows) {
        System.out.println("\n(d) kerf record/replay next to qemu-system-i386 -icount shift=auto,rr=record/replay"
                + " (QEMU: whole process incl. start-up; ms)\n");
        System.out.println("| workload | kerf record wall | kerf replay wall | kerf log bytes | QEMU rr record wall | QEMU rr record CPU"
                + " | QEMU rr replay wall | QEMU rr replay CPU | QEMU replay/record speed | QEMU rr log bytes"
                + " | QEMU bytes / guest minute | QEMU log / kerf log |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (RecordBench.Row r : rows) {
            QemuRr.Sample rec = r.qemuRec(), rep = r.qemuRep();
            if (rec == null || rep == null) {
                System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %,d | %s |%n", r.w().name(), ms(r.recNs()), ms(r.repNs()),
                        r.log().journalBytes(), rec == null ? "QEMU rr record failed (see stderr) | | | | | | | |"
                                : String.format(Locale.ROOT, "%.0f | %.0f | replay failed (see stderr) | | | %,d | %,.0f | %.1f",
                                ms(rec.nanos()), ms(rec.cpuNanos()), r.qemuLog(), r.qemuLog() / (rec.nanos() / 1e9 / 60),
                                (double) r.qemuLog() / r.log().journalBytes()));
                continue;
            }
            System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %,d | %.0f | %.0f | %.0f | %.0f | %.2f | %,d | %,.0f | %.1f |%n",
                    r.w().name(), ms(r.recNs()), ms(r.repNs()), r.log().journalBytes(), ms(rec.nanos()), ms(rec.cpuNanos()),
                    ms(rep.nanos()), ms(rep.cpuNanos()), (double) rec.nanos() / rep.nanos(), r.qemuLog(),
                    r.qemuLog() / (rec.nanos() / 1e9 / 60), (double) r.qemuLog() / r.log().journalBytes());
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static double pct(long a, long b) {
        return (a - b) * 100.0 / b;
    }
}
