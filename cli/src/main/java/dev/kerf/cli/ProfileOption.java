package dev.kerf.cli;

import dev.kerf.emulator.introspect.IntrospectionException;
import dev.kerf.emulator.introspect.ProfileSource;
import dev.kerf.emulator.session.GuestProfiles;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code --profile auto|kerf|linux|FILE}, for every command that looks inside the guest: how its
 * processes are found (docs/linux.md, "Choosing the profile"). A profile that cannot be had is exit 4
 * in one line saying what is missing and how to give one; a damaged profile file is exit 12.
 */
public final class ProfileOption {
    @Option(names = "--profile", paramLabel = "auto|kerf|linux|FILE", defaultValue = "auto",
            description = "How the guest's processes are found: auto (the default: the kerf example OS's own export, else an i386"
                    + " Linux kernel whose task layout is inferred from the recording's system calls), kerf, linux, or a profile"
                    + " FILE saved by 'kerf profile REC --save FILE' from another recording of the same kernel.")
    String profile = "auto";

    GuestProfiles.Choice choice() {
        return GuestProfiles.choice(profile);
    }

    /** The profile source for replays of {@code recording}. */
    ProfileSource source(Path recording) throws IOException {
        return resolve(recording, choice()).source();
    }

    static GuestProfiles.Resolved resolve(Path recording, GuestProfiles.Choice choice) throws IOException {
        try {
            return GuestProfiles.resolve(recording, choice);
        } catch (IntrospectionException e) {
            throw new KerfException(ExitCode.BAD_INPUT, e.getMessage());
        }
    }

    /** For a time slice (no recording to infer from): the export, or a saved profile; linux needs the file. */
    ProfileSource sourceForSlice(Path slice) throws IOException {
        GuestProfiles.Choice c = choice();
        if (c instanceof GuestProfiles.Choice.Saved saved) {
            return GuestProfiles.saved(saved.file());
        }
        if (c instanceof GuestProfiles.Choice.Linux) {
            throw new KerfException(ExitCode.BAD_INPUT, slice + ": a Linux profile cannot be inferred from a time slice: save one with"
                    + " 'kerf profile REC --save F.kprofile' from its recording and give it with --profile F.kprofile");
        }
        return ProfileSource.KERF_EXPORT;
    }
}
