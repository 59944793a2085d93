package dev.kerf.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kerf.testkit.HostPackages.HostPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

class HostPackagesTest {
    private static final HostPackage TOOL = HostPackages.program("kerf-test-tool", "kerf-test-tool");

    @Test
    void aProgramOnPathIsPresentAndOneOffPathSkipsNamingThePackage(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("kerf-test-tool"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        HostPackages.check(Map.of("PATH", "/nonexistent:" + bin), new Properties(), TOOL);

        assertThatThrownBy(() -> HostPackages.check(Map.of("PATH", dir.toString()), new Properties(), TOOL))
                .isInstanceOf(TestAbortedException.class)
                .hasMessage("requires Debian package kerf-test-tool (apt-get install kerf-test-tool): kerf-test-tool is not on PATH");
        assertThatThrownBy(() -> HostPackages.check(Map.of(), new Properties(), TOOL)).isInstanceOf(TestAbortedException.class);
    }

    @Test
    void onCiAMissingPackageFailsInsteadOfSkipping(@TempDir Path dir) {
        assertThatThrownBy(() -> HostPackages.check(Map.of("PATH", dir.toString(), "CI", "true"), new Properties(), TOOL))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("requires Debian package kerf-test-tool (apt-get install kerf-test-tool)")
                .hasMessageEndingWith("CI=true, where .ci/run installs it");
        // any other CI value is a developer's machine
        assertThatThrownBy(() -> HostPackages.check(Map.of("PATH", dir.toString(), "CI", "1"), new Properties(), TOOL))
                .isInstanceOf(TestAbortedException.class);
    }

    @Test
    void aPackageCanBeHiddenByNameThroughTheEnvironmentOrAProperty() {
        HostPackage always = new HostPackage("pkg-b", env -> null);
        HostPackages.check(Map.of(HostPackages.HIDE_ENV, "pkg-a, pkg-bb"), new Properties(), always);
        assertThatThrownBy(() -> HostPackages.check(Map.of(HostPackages.HIDE_ENV, "pkg-a, pkg-b"), new Properties(), always))
                .isInstanceOf(TestAbortedException.class).hasMessageContaining("pkg-b (apt-get install pkg-b): declared missing");
        Properties props = new Properties();
        props.setProperty(HostPackages.HIDE_PROPERTY, "pkg-b");
        assertThatThrownBy(() -> HostPackages.check(Map.of("CI", "true"), props, always))
                .isInstanceOf(AssertionError.class).hasMessageContaining("declared missing");
    }

    @Test
    void aLibraryJnaCannotLoadIsMissing() {
        HostPackage none = HostPackages.library("libkerfnosuch0", "kerfnosuch");
        assertThat(HostPackages.present(none)).isFalse();
        assertThatThrownBy(() -> HostPackages.check(Map.of(), new Properties(), none)).isInstanceOf(TestAbortedException.class)
                .hasMessageStartingWith("requires Debian package libkerfnosuch0 (apt-get install libkerfnosuch0):"
                        + " libkerfnosuch cannot be loaded through JNA (");
        HostPackage c = HostPackages.library("libc6", "c"); // always there: the probe does find real libraries
        assertThat(HostPackages.present(c)).isTrue();
    }

    @Test
    void theLinuxKernelIsTheFileTheVariableOrPropertyNames(@TempDir Path dir) throws Exception {
        Path k = Files.write(dir.resolve("vmlinuz"), new byte[] {1});
        assertThat(HostPackages.linuxKernel(Map.of("KERF_LINUX_KERNEL", k.toString()), new Properties())).isEqualTo(k);
        Properties props = new Properties();
        props.setProperty("kerf.linuxKernel", k.toString());
        assertThat(HostPackages.linuxKernel(Map.of("KERF_LINUX_KERNEL", "/nonexistent"), props)).as("the property wins").isEqualTo(k);
        assertThat(HostPackages.linuxKernel(Map.of("KERF_LINUX_KERNEL", dir.resolve("none").toString()), new Properties())).isNull();
        assertThat(HostPackages.linuxKernel(Map.of("KERF_LINUX_KERNEL", dir.toString()), new Properties())).as("a directory").isNull();
    }
}
