package dev.kerf.slicer.component;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComponentSpecTest {
    @Test
    void globsMatchWithStarAndQuestionMark() {
        ComponentSpec s = ComponentSpec.parse("buggy:parse_*");
        assertThat(s.program()).isEqualTo("buggy");
        assertThat(s.matches("parse_field")).isTrue();
        assertThat(s.matches("parse_")).isTrue();
        assertThat(s.matches("xparse_line")).isFalse();
        ComponentSpec q = ComponentSpec.parse("buggy:str??y");
        assertThat(q.matches("strcpy")).isTrue();
        assertThat(q.matches("strncpy")).isFalse();
        assertThat(ComponentSpec.parse("buggy:*cmp").matches("strncmp")).isTrue();
    }

    @Test
    void rangesAreHexWithAnExclusiveEnd() {
        ComponentSpec s = ComponentSpec.parse("buggy:0x08048220-0x080482e0");
        assertThat(s.glob()).isNull();
        assertThat(s.lo()).isEqualTo(0x08048220L);
        assertThat(s.hi()).isEqualTo(0x080482e0L);
        assertThat(s).hasToString("buggy:0x8048220-0x80482e0");
    }

    @Test
    void badSpecsSayWhatIsExpected() {
        assertThatThrownBy(() -> ComponentSpec.parse("buggy")).hasMessageContaining("expected PROG:GLOB");
        assertThatThrownBy(() -> ComponentSpec.parse("buggy:")).hasMessageContaining("expected PROG:GLOB");
        assertThat(ComponentSpec.parse("kernel:ne2k_*").kernel()).isTrue();
        assertThat(ComponentSpec.parse("kernel:ne2k_*").glob()).isEqualTo("ne2k_*");
        assertThat(ComponentSpec.parse("buggy:main").kernel()).isFalse();
        assertThatThrownBy(() -> ComponentSpec.parse("0123:main")).hasMessageContaining("not a pid");
        assertThat(ComponentSpec.parse("12:main").pid()).isEqualTo(12);
        assertThat(ComponentSpec.parse("buggy:main").pid()).isEqualTo(-1);
        assertThatThrownBy(() -> ComponentSpec.parse("buggy:0x20-0x10")).hasMessageContaining("empty or reversed");
        assertThatThrownBy(() -> ComponentSpec.parse("buggy:0x20")).hasMessageContaining("0xLO-0xHI");
    }
}
