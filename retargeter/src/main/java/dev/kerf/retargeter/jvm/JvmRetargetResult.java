package dev.kerf.retargeter.jvm;

/**
 * A made JVM log: the file's bytes (already read back and scanned), the log they hold, and what
 * it took.
 *
 * @param bytes             the .kjvm file, ready to publish
 * @param log               its contents
 * @param userInstructions  user instructions the process slice replayed
 * @param sourceBytes       size of the process slice it was made from
 */
public record JvmRetargetResult(byte[] bytes, JvmLog log, long userInstructions, long sourceBytes) {}
