package dev.kerf.emulator.introspect;

import dev.kerf.emulator.mmu.PhysicalMemory;

/**
 * How a replay gets its {@link GuestProfile} once its machine is built (before the first
 * instruction): the example OS describes itself in its RAM ({@link #KERF_EXPORT}); a Linux kernel's
 * profile is found beforehand (inferred from the recording, or read from a saved profile file) and
 * handed over as it is ({@link #of}). The slicers and the CLI commands take one of these, so that
 * which guest runs is decided in one place ({@code dev.kerf.emulator.session.GuestProfiles}).
 */
@FunctionalInterface
public interface ProfileSource {
    /** The example OS's introspection export, read from RAM when the replay starts. */
    ProfileSource KERF_EXPORT = KerfGuestProfile::read;

    /**
     * The profile of the machine whose RAM is {@code memory}.
     *
     * @throws IntrospectionException the guest is not one this source describes (one line for a person)
     */
    GuestProfile open(PhysicalMemory memory);

    /** A profile known before the replay starts. */
    static ProfileSource of(GuestProfile profile) {
        return memory -> profile;
    }
}
