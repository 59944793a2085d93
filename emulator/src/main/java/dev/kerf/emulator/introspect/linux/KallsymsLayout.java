package dev.kerf.emulator.introspect.linux;

/**
 * Where {@link Kallsyms} found a kernel's symbol tables in guest physical RAM, for display and
 * for tests; every address is physical.
 *
 * @param numSyms      {@code kallsyms_num_syms} (a u32; {@code kallsyms_names} follows it)
 * @param names        {@code kallsyms_names}
 * @param markers      {@code kallsyms_markers}
 * @param seqsOfNames  {@code kallsyms_seqs_of_names} when it sits between the markers and the token table, else -1
 * @param tokenTable   {@code kallsyms_token_table}
 * @param tokenIndex   {@code kallsyms_token_index}
 * @param addresses    {@code kallsyms_offsets} when {@code baseRelative}, else {@code kallsyms_addresses}
 * @param baseRelative CONFIG_KALLSYMS_BASE_RELATIVE: 32-bit offsets from {@code relativeBase}
 * @param relativeBase {@code kallsyms_relative_base} (the run-time address of the lowest symbol), 0 when not base-relative
 */
public record KallsymsLayout(long numSyms, long names, long markers, long seqsOfNames, long tokenTable, long tokenIndex, long addresses,
                             boolean baseRelative, long relativeBase) {
}
