package dev.kerf.slicer.component;

import dev.kerf.emulator.kernelmode.PortLog;
import dev.kerf.emulator.usermode.ComponentActivation;
import dev.kerf.emulator.usermode.MemoryWrite;
import dev.kerf.slicer.privacy.Fingerprints;
import dev.kerf.slicer.privacy.PrivacyManifest;
import dev.kerf.slicer.privacy.PrivacyManifestBuilder;
import dev.kerf.slicer.privacy.Redaction;
import dev.kerf.slicer.privacy.Redactor;
import dev.kerf.slicer.privacy.Region;
import dev.kerf.slicer.privacy.ReplayVerdict;
import dev.kerf.slicer.privacy.SecretSet;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The privacy stage of component slices: every named secret is removed, in place, from the data
 * the slice carries about the process (first loads and entry registers; the expected writes are
 * checks the component recomputes, and are redacted too so the file holds no secret), and the
 * manifest says what the slice holds: the bytes loaded, the entry registers, the code and, for a
 * kernel component, the port input by device (network frames for the NE2000) and the expected
 * port output; the port values are searched and redacted like memory.
 */
final class ComponentPrivacy {
    private final SecretSet secrets;
    private Redaction redaction;

    ComponentPrivacy(SecretSet secrets) {
        this.secrets = secrets;
    }

    Map<String, Object> redact(ComponentSlice slice) {
        List<Region> regions = new ArrayList<>();
        long registers = 0, written = 0;
        for (int i = 0; i < slice.activations().size(); i++) {
            ComponentActivation a = slice.activations().get(i);
            for (MemoryWrite w : a.loads()) {
                regions.add(new Region(String.format("activation %d: first loads at 0x%08x", i, w.address()),
                        Integer.toUnsignedLong(w.address()), w.bytes()));
            }
            regions.add(new Region("activation " + i + ": entry registers", -1, a.entry().bytes()));
            registers += a.entry().bytes().length;
            for (MemoryWrite w : a.writes()) {
                regions.add(new Region(String.format("activation %d: expected writes at 0x%08x", i, w.address()),
                        Integer.toUnsignedLong(w.address()), w.bytes()));
            }
            written += a.writtenBytes();
        }
        for (int i = 0; i < slice.ports().size(); i++) {
            PortLog p = slice.ports().get(i);
            if (p.inputBytes().length > 0) regions.add(new Region("activation " + i + ": port input values", -1, p.inputBytes()));
            if (p.outputBytes().length > 0) regions.add(new Region("activation " + i + ": expected port output values", -1, p.outputBytes()));
        }
        redaction = new Redactor(secrets).redact(regions);
        PrivacyManifestBuilder b = PrivacyManifest.builder(secrets).fingerprints(own(), 0)
                .memory("first loads (bytes the component read that were last written outside it)", slice.loadedBytes())
                .memory("entry registers", registers)
                .memory("expected writes (checked on replay)", written)
                .memory(slice.kernel() ? "code (the kernel's text of the functions the activations ran)"
                        : "code (the program's text of the functions the activations ran)", slice.codeBytes());
        if (slice.kernel()) {
            for (Map.Entry<String, Long> e : PortDevices.inputBytes(slice.ports()).entrySet()) b.input(e.getKey(), e.getValue());
            b.memory("expected port output values (checked on replay)", slice.portOutputBytes());
        }
        return b.removed(redaction).replay(ReplayVerdict.verified()).build().toTree();
    }

    private List<Fingerprints> own;

    private List<Fingerprints> own() {
        if (own == null) {
            Fingerprints f = secrets.fingerprints();
            own = f == null ? List.of() : List.of(f);
        }
        return own;
    }

    /** The FINGERPRINTS sections the slice carries: its secrets' (none without a literal). */
    List<byte[]> fingerprintSections() {
        List<byte[]> out = new ArrayList<>();
        for (Fingerprints f : own()) out.add(f.section().toBytes());
        return out;
    }

    /** {@code name} with secrets replaced by the filler. */
    String clean(String name) {
        return secrets.redactText(name);
    }

    boolean removedAny() {
        return redaction != null && redaction.occurrences() > 0;
    }

    Redaction redaction() {
        return redaction;
    }
}
