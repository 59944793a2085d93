/* netsrv [IDLE_MS] [MAX_REQUESTS]: a tiny network server on raw Ethernet frames (/dev/net).
 * Address 10.0.2.15 (QEMU's user-mode network default). It asks who has 10.0.2.2 (the
 * gateway) once, then answers ARP requests for its address, ICMP echo (ping) and UDP echo
 * on port 7, printing one line per frame it handles. It stops after IDLE_MS milliseconds
 * without a frame (default 1000) or after MAX_REQUESTS answered requests. */
#include "libc.h"

static u8 my_mac[6];
static const u8 my_ip[4] = {10, 0, 2, 15};
static const u8 gw_ip[4] = {10, 0, 2, 2};
static int net;

static u16 get16(const u8 *p) { return (p[0] << 8) | p[1]; }
static void put16(u8 *p, u16 v) { p[0] = v >> 8; p[1] = v & 0xFF; }

static u16 checksum(const u8 *p, int n) {
    u32 sum = 0;
    for (int i = 0; i + 1 < n; i += 2) sum += (p[i] << 8) | p[i + 1];
    if (n & 1) sum += p[n - 1] << 8;
    while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
    return ~sum & 0xFFFF;
}

static void arp(u16 op, const u8 *tha, const u8 *tpa, const u8 *eth_dst) {
    u8 f[42];
    memcpy(f, eth_dst, 6);
    memcpy(f + 6, my_mac, 6);
    put16(f + 12, 0x0806);
    put16(f + 14, 1);            /* Ethernet */
    put16(f + 16, 0x0800);       /* IPv4 */
    f[18] = 6;
    f[19] = 4;
    put16(f + 20, op);
    memcpy(f + 22, my_mac, 6);
    memcpy(f + 28, my_ip, 4);
    memcpy(f + 32, tha, 6);
    memcpy(f + 38, tpa, 4);
    write(net, f, sizeof f);
}

static int on_arp(u8 *f, int n) {
    if (n < 42) return 0;
    u16 op = get16(f + 20);
    u8 *sha = f + 22, *spa = f + 28, *tpa = f + 38;
    if (op == 2 && !memcmp(spa, gw_ip, 4)) {
        printf("netsrv: arp: %d.%d.%d.%d is at %02x:%02x:%02x:%02x:%02x:%02x\n", spa[0], spa[1],
               spa[2], spa[3], sha[0], sha[1], sha[2], sha[3], sha[4], sha[5]);
        return 0;
    }
    if (op == 1 && !memcmp(tpa, my_ip, 4)) {
        u8 mac[6], ip[4];
        memcpy(mac, sha, 6);
        memcpy(ip, spa, 4);
        arp(2, mac, ip, mac);
        printf("netsrv: arp: told %d.%d.%d.%d our address\n", ip[0], ip[1], ip[2], ip[3]);
        return 1;
    }
    return 0;
}

/* Turns the IPv4 packet in f around (swap MACs and IPs) and fixes the header checksum. */
static void reverse_ip(u8 *f) {
    u8 t[6];
    memcpy(t, f, 6); memcpy(f, f + 6, 6); memcpy(f + 6, my_mac, 6);
    (void)t;
    u8 *ip = f + 14;
    memcpy(ip + 16, ip + 12, 4);
    memcpy(ip + 12, my_ip, 4);
    ip[8] = 64;
    put16(ip + 10, 0);
    put16(ip + 10, checksum(ip, (ip[0] & 15) * 4));
}

static int on_ip(u8 *f, int n) {
    u8 *ip = f + 14;
    if (n < 34 || (ip[0] >> 4) != 4 || memcmp(ip + 16, my_ip, 4)) return 0;
    int hl = (ip[0] & 15) * 4, total = get16(ip + 2);
    if (total > n - 14 || hl < 20) return 0;
    u8 *l4 = ip + hl;
    int l4len = total - hl;
    u8 src[4];
    memcpy(src, ip + 12, 4);
    if (ip[9] == 1 && l4len >= 8 && l4[0] == 8) {          /* ICMP echo request */
        l4[0] = 0;
        put16(l4 + 2, 0);
        put16(l4 + 2, checksum(l4, l4len));
        reverse_ip(f);
        write(net, f, 14 + total);
        printf("netsrv: ping from %d.%d.%d.%d, %d bytes\n", src[0], src[1], src[2], src[3], l4len - 8);
        return 1;
    }
    if (ip[9] == 17 && l4len >= 8 && get16(l4 + 2) == 7) { /* UDP echo */
        u16 sport = get16(l4);
        put16(l4 + 2, sport);
        put16(l4, 7);
        put16(l4 + 6, 0);                                  /* no UDP checksum */
        reverse_ip(f);
        write(net, f, 14 + total);
        printf("netsrv: udp echo of %d bytes for %d.%d.%d.%d\n", l4len - 8, src[0], src[1], src[2], src[3]);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    int idle_limit = argc > 1 ? atoi(argv[1]) : 1000;
    int max_requests = argc > 2 ? atoi(argv[2]) : 1000;
    net = open("/dev/net", O_RDWR | O_NONBLOCK);
    if (net < 0 || ioctl(net, 0x8927, my_mac) < 0) {
        printf("netsrv: no network device\n");
        return 1;
    }
    printf("netsrv: listening on 10.0.2.15 (udp echo port 7, ping, arp)\n");
    static const u8 bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, zero[6] = {0};
    arp(1, zero, gw_ip, bcast);
    int idle = 0, served = 0, ignored = 0;
    static u8 f[1536];
    while (idle < idle_limit && served < max_requests) {
        int n = read(net, f, sizeof f);
        if (n == -EAGAIN) { msleep(10); idle += 10; continue; }
        if (n < 14) break;
        idle = 0;
        u16 type = get16(f + 12);
        int r = type == 0x0806 ? on_arp(f, n) : type == 0x0800 ? on_ip(f, n) : 0;
        if (r) served++;
        else if (!(type == 0x0806 && get16(f + 20) == 2)) ignored++;
    }
    printf("netsrv: served %d requests, ignored %d frames\n", served, ignored);
    return 0;
}
