package dev.kerf.emulator.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kerf.emulator.cpu.decode.Decoded;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The translator's block table against a HashMap, through growth and deletions. */
class BlockTableTest {
    @Test
    void agreesWithAHashMapThroughPutsReplacementsAndRemovals() {
        BlockTable t = new BlockTable();
        Map<Long, Block> ref = new HashMap<>();
        SplittableRandom rnd = new SplittableRandom(16);
        for (int i = 0; i < 200_000; i++) {
            // kernel-like keys: EIP = physical address + a fixed offset, so phys ^ eip is constant
            int phys = rnd.nextInt(1 << 16) << 4;
            long key = BlockTable.key(phys, phys + 0xC0000000);
            int op = rnd.nextInt(3);
            if (op < 2) {
                Block b = new Block(phys + 0xC0000000, 0, phys, true, new Decoded[0]);
                t.put(key, b);
                ref.put(key, b);
            } else {
                Block b = ref.get(key);
                if (b != null && rnd.nextBoolean()) {
                    t.remove(key, b);
                    ref.remove(key);
                } else {
                    t.remove(key, new Block(0, 0, 0, true, new Decoded[0])); // another block: nothing removed
                }
            }
            if (i % 1000 == 0) {
                for (Map.Entry<Long, Block> e : ref.entrySet()) assertThat(t.get(e.getKey())).isSameAs(e.getValue());
            }
        }
        assertThat(t.size()).isEqualTo(ref.size());
        for (Map.Entry<Long, Block> e : ref.entrySet()) assertThat(t.get(e.getKey())).isSameAs(e.getValue());
        assertThat(t.get(BlockTable.key(-16, 5))).isNull();
        t.clear();
        assertThat(t.size()).isZero();
        assertThat(t.get(ref.keySet().iterator().next())).isNull();
    }
}
