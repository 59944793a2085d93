package dev.kerf.retargeter.jvm;

import dev.kerf.slicer.privacy.DerivedPrivacy;
import dev.kerf.slicer.privacy.PrivacyManifest;
import dev.kerf.slicer.privacy.PrivacyManifestBuilder;
import dev.kerf.slicer.privacy.ReplayVerdict;
import dev.kerf.slicer.privacy.SecretSet;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The privacy manifest of a JVM log (docs/formats.md §9.7, §11): what it contains — the class
 * files ({@code memory}, {@code class files}), the arguments and every native's input by native
 * ({@code input}, {@code arguments}, {@code read}, {@code readFile}, {@code time}) and the bytes the
 * program wrote ({@code memory}, {@code output of write}, {@code output of print}) — and what the
 * source process slice's privacy stage removed, carried over unchanged (the log's bytes are a
 * subset of the slice's, so what was removed there is absent here). The fingerprints it carries
 * and the final scan's claim are the log's own: the secrets given to the retargeter, and the
 * fingerprints inherited from the slice.
 */
final class JvmPrivacy {
    private static final String[] CARRIED = {"secrets", "secretsUnlisted", "excludedProcesses", "filler", "removed"};

    private JvmPrivacy() {}

    /** {@code privacy} null: nothing searched, nothing carried (a log made by a tool or test). */
    static Map<String, Object> manifest(JvmLog log, Map<String, Object> sourcePrivacy, Path sourceFile, DerivedPrivacy privacy) {
        PrivacyManifestBuilder b = PrivacyManifest.builder(privacy == null ? new SecretSet() : privacy.secrets());
        if (privacy != null) b.fingerprints(privacy.inherited().fingerprints(), privacy.inherited().entries());
        for (JvmClass c : log.classes()) b.memory("class files", c.length());
        for (String a : log.args()) b.input("arguments", a.length());
        for (NativeCall n : log.natives()) {
            switch (n.kind()) {
                case WRITE, PRINT -> b.memory("output of " + n.kind().javaName(), n.data().length);
                case TIME -> b.input("time", 8);
                default -> b.input(n.kind().javaName(), n.data().length);
            }
        }
        b.replay(ReplayVerdict.verified());
        Map<String, Object> tree = new LinkedHashMap<>(b.build().toTree());
        if (privacy != null) tree.put("fingerprints", privacy.manifestCarried());
        if (!sourcePrivacy.isEmpty()) {
            PrivacyManifest.fromTree(sourcePrivacy, sourceFile, 0); // refuses a damaged source manifest
            for (String k : CARRIED) if (sourcePrivacy.containsKey(k)) tree.put(k, sourcePrivacy.get(k));
        }
        PrivacyManifest.fromTree(tree, sourceFile, 0);
        return tree;
    }
}
