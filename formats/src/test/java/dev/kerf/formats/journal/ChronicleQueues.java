package dev.kerf.formats.journal;

import java.nio.file.Path;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.queue.rollcycles.LargeRollCycles;

/**
 * Chronicle Queue itself, for the tests only (kerf writes and reads its journal without it): the
 * queue as the journal writer configured it before {@link QueueFileWriter} replaced it, and that
 * writer's way of appending, to compare bytes with.
 */
final class ChronicleQueues {
    static {
        // as the Chronicle-based writer did: no build directory created under $TMPDIR, no POSIX binding generated
        if (System.getProperty("project.build.directory") == null)
            System.setProperty("project.build.directory", Path.of(System.getProperty("java.io.tmpdir"), ".kerf-no-build-directory").toString());
        net.openhft.posix.PosixAPI.useNoOpPosixApi();
    }

    private ChronicleQueues() {}

    /** The journal's queue exactly as the Chronicle-based JournalWriter built it (roll cycle defaults, default block size). */
    static SingleChronicleQueue open(Path dir) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(LargeRollCycles.HUGE_DAILY).timeProvider(() -> 0L).build();
    }

    /** A queue of another shape (index count and spacing, block size), for the writer's small shapes. */
    static SingleChronicleQueue open(Path dir, QueueFileWriter.Shape shape) {
        return SingleChronicleQueueBuilder.binary(dir).rollCycle(LargeRollCycles.HUGE_DAILY).timeProvider(() -> 0L)
                .indexCount(shape.indexCount()).indexSpacing(shape.indexSpacing()).blockSize(shape.blockSize()).build();
    }

    /** The Chronicle-based writer: the queue file made at once (as JournalWriter.create did), then excerpts appended. */
    static final class Writer implements AutoCloseable {
        final SingleChronicleQueue queue;
        private final ExcerptAppender appender;

        Writer(SingleChronicleQueue queue) {
            this.queue = queue;
            queue.closeStore(queue.storeForCycle(queue.cycle(), queue.epoch(), true, null));
            appender = queue.createAppender();
        }

        void append(byte[] excerpt) {
            appender.writeBytes(Bytes.wrapForRead(excerpt));
        }

        @Override
        public void close() {
            appender.close();
            queue.close();
        }
    }
}
