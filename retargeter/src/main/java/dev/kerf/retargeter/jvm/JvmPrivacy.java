package dev.kerf.retargeter.jvm;

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
 * subset of the slice's, so what was removed there is absent here). The final scan's claim counts
 * the secrets given to the retargeter.
 */
final class JvmPrivacy {
    private static final String[] CARRIED = {"secrets", "excludedProcesses", "filler", "removed"};

    private JvmPrivacy() {}

    static Map<String, Object> manifest(JvmLog log, Map<String, Object> sourcePrivacy, Path sourceFile, SecretSet secrets) {
        PrivacyManifestBuilder b = PrivacyManifest.builder(secrets);
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
        if (!sourcePrivacy.isEmpty()) {
            PrivacyManifest.fromTree(sourcePrivacy, sourceFile, 0); // refuses a damaged source manifest
            for (String k : CARRIED) if (sourcePrivacy.containsKey(k)) tree.put(k, sourcePrivacy.get(k));
        }
        PrivacyManifest.fromTree(tree, sourceFile, 0);
        return tree;
    }
}
