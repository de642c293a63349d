/* wire/ packet codecs against hand-picked golden bytes of kernel DRBD
 * 8.4.11 (drbd84-wire s01, s05, s10: the comments name the packet), their
 * round trips, and the malformed cases each decoder must refuse. */
#include "tests/tap.h"
#include "tests/unit/wire/hex.h"
#include "wire/bytes.h"
#include "wire/payload.h"

static const struct wire_proto p101 = { 101, 0xf, 0 };
static uint8_t buf[256], want[256];

#define EXPECT_BYTES(n, hexstr)                                        \
	do {                                                           \
		size_t wl_ = unhex_into(hexstr, want, sizeof(want));   \
		TAP_EQ((n), (long long)wl_);                           \
		if ((n) == (long long)wl_)                             \
			TAP_MEMEQ(buf, want, wl_);                     \
	} while (0)

/* pl: the payload of the golden packet in `want` (after a 16-byte h100) */
#define PL (want + WIRE_H100_SIZE)

TAP_TEST(initial_packets)
{
	TAP_EQ(wire_initial_encode(buf, sizeof(buf), P_INITIAL_DATA), 8);
	EXPECT_BYTES(8, "83740267fff20000");
	TAP_EQ(wire_initial_decode(buf, 8), P_INITIAL_DATA);
	TAP_EQ(wire_initial_encode(buf, sizeof(buf), P_INITIAL_META), 8);
	TAP_EQ(wire_initial_decode(buf, 8), P_INITIAL_META);
	TAP_EQ(wire_initial_encode(buf, sizeof(buf), P_PING), -EINVAL);
	unhex_into("83740267fff20004", buf, 8);		/* with a payload */
	TAP_EQ(wire_initial_decode(buf, 8), -EPROTO);
	unhex_into("83740267fffe0000", buf, 8);		/* not a first packet */
	TAP_EQ(wire_initial_decode(buf, 8), -EPROTO);
	unhex_into("83740268fff20000", buf, 8);		/* bad magic */
	TAP_EQ(wire_initial_decode(buf, 8), -EPROTO);
	TAP_EQ(wire_initial_decode(buf, 7), -EAGAIN);
	TAP_EQ(wire_initial_encode(buf, 7, P_INITIAL_DATA), -EMSGSIZE);
}

TAP_TEST(features_s01)
{
	static const char *s01 = "83740267fffe0048 00000056 0000000f 00000065"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000";
	struct wire_features f = { 86, 0xf, 101, 0, 0 }, g, old = { 100, 0, 0, 0, 0 };
	struct wire_proto p = { 0, 0, 7 };

	EXPECT_BYTES(wire_features_encode(&f, buf, sizeof(buf)), s01);
	TAP_EQ(wire_features_decode(buf + 8, 72, &g), 0);
	TAP_EQ(g.protocol_min, 86);
	TAP_EQ(g.protocol_max, 101);
	TAP_EQ(g.feature_flags, 0xf);
	TAP_EQ(wire_features_decode(buf + 8, 71, &g), -EBADMSG);
	TAP_EQ(wire_features_agree(&f, &g, &p), 0);
	TAP_EQ(p.apv, 101);
	TAP_EQ(p.features, 0xf);
	TAP_EQ(p.digest_size, 7);	/* left alone */
	memset(buf + 16, 0, 4);		/* protocol_max 0 means = min */
	TAP_EQ(wire_features_decode(buf + 8, 72, &old), 0);
	TAP_EQ(old.protocol_max, 86);
	f.protocol_min = 118;		/* a DRBD 9 that refuses 8.4 */
	f.protocol_max = 124;
	TAP_EQ(wire_features_agree(&f, &g, &p), -EPROTO);
	TAP_EQ(wire_features_encode(&f, buf, 79), -EMSGSIZE);
}

TAP_TEST(header_choice_by_apv)
{
	struct wire_header h;

	TAP_EQ(wire_header_encode(buf, 16, 101, P_DATA, 3, 0x100018), 16);
	EXPECT_BYTES(16, "8620ec20 0003 0000 00100018 00000000");
	TAP_EQ(wire_header_decode(buf, 16, 101, &h), 16);
	TAP_EQ(h.vnr, 3);
	TAP_EQ(h.length, 0x100018);
	TAP_EQ(wire_header_decode(buf, 15, 101, &h), -EAGAIN);
	TAP_EQ(wire_header_decode(buf, 16, 96, &h), -EPROTO);	/* h100 < 100 */
	buf[15] = 1;
	TAP_EQ(wire_header_decode(buf, 16, 101, &h), -EPROTO);	/* pad */
	TAP_EQ(wire_header_encode(buf, 16, 96, P_DATA, 0, 40000), 8);	/* h95 */
	EXPECT_BYTES(8, "835a0000 00009c40");
	TAP_EQ(wire_header_decode(buf, 8, 96, &h), 8);
	TAP_EQ(h.kind, WIRE_H95);
	TAP_EQ(h.length, 40000);
	TAP_EQ(wire_header_decode(buf, 8, 101, &h), -EPROTO);	/* h95 >= 100 */
	TAP_EQ(wire_header_decode(buf, 8, 0, &h), -EPROTO);	/* before features */
	TAP_EQ(wire_header_encode(buf, 16, 96, P_DATA, 0, 32768), 8);	/* h80 */
	EXPECT_BYTES(8, "83740267 0000 8000");
	TAP_EQ(wire_header_decode(buf, 8, 101, &h), -EPROTO);	/* h80 >= 100 */
	TAP_EQ(wire_header_encode(buf, 16, 94, P_DATA, 0, 70000), -EMSGSIZE);
	TAP_EQ(wire_header_encode(buf, 7, 94, P_DATA, 0, 0), -EMSGSIZE);
	TAP_EQ(wire_header_size(0), 8);
	TAP_EQ(wire_header_size(100), 16);
}

TAP_TEST(packet_view)
{
	struct wire_packet pkt;
	struct wire_proto p9 = { 118, 0, 0 }, p = p101;

	/* s01: P_STATE on the data socket */
	unhex_into("8620ec200000000e0000000400000000", buf, 16);
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_DATA, buf, 16, &pkt), 16);
	TAP_EQ(pkt.hdr.cmd, P_STATE);
	TAP_OK(!pkt.ignore, "P_STATE is not ignored");
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_META, buf, 16, &pkt), -EPROTO);
	wire_put_be32(buf + 8, 5);	/* P_STATE is exactly 4 bytes */
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_DATA, buf, 16, &pkt), -EBADMSG);
	TAP_EQ(wire_header_encode(buf, 16, 101, 0x59, 0, 4), 16);
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_DATA, buf, 16, &pkt), 16);
	TAP_OK(pkt.ignore, "P_ENABLE_REPLICATION is ignored in the 8.4 dialect");
	TAP_EQ(wire_packet_decode(&p9, WIRE_SOCK_DATA, buf, 16, &pkt), 16);
	TAP_OK(!pkt.ignore, "... and handled in DRBD 9's");
	TAP_EQ(wire_header_encode(buf, 16, 101, P_TWOPC_PREPARE, 0, 36), 16);
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_DATA, buf, 16, &pkt), -EPROTO);
	TAP_EQ(wire_packet_decode(&p9, WIRE_SOCK_DATA, buf, 16, &pkt), 16);
	TAP_EQ(wire_header_encode(buf, 16, 101, 0x37, 0, 0), 16);	/* gap */
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_ANY, buf, 16, &pkt), -EPROTO);
	TAP_EQ(wire_header_encode(buf, 16, 101, P_BECOME_SYNC_TARGET, 0, 0), 16);
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_ANY, buf, 16, &pkt), -EPROTO);
	TAP_STREQ(wire_cmd_name(P_BECOME_SYNC_TARGET), "P_UNKNOWN");
	/* the reasons name the wrong values (tests/system/test_udrbdd_malformed) */
	TAP_STREQ(wire_last_error(), "unknown command 0x0005");
	unhex_into("deadbeef000000000000000000000000", buf, 16);
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_DATA, buf, 16, &pkt), -EPROTO);
	TAP_STREQ(wire_last_error(), "not an h100 header (magic 0xdeadbeef)");
	TAP_EQ(wire_header_decode(buf, 16, 96, &pkt.hdr), -EPROTO);
	TAP_STREQ(wire_last_error(), "bad header magic 0xdeadbeef");
	TAP_EQ(wire_header_encode(buf, 16, 101, P_DELAY_PROBE, 0, 8), 16);
	TAP_EQ(wire_packet_decode(&p101, WIRE_SOCK_META, buf, 16, &pkt), 16);
	TAP_OK(pkt.ignore, "P_DELAY_PROBE is skipped, on either socket");
	/* P_SIZES: 56 bytes exactly when FF_WSAME is agreed */
	TAP_EQ(wire_payload_size(&p, P_SIZES, 56), 0);
	TAP_EQ(wire_payload_size(&p, P_SIZES, 32), -EBADMSG);
	p.features = 0;
	TAP_EQ(wire_payload_size(&p, P_SIZES, 32), 0);
	/* bitmap packets: at most 4096 bytes with the header */
	TAP_EQ(wire_payload_size(&p, P_BITMAP, 4080), 0);
	TAP_EQ(wire_payload_size(&p, P_BITMAP, 4088), -EBADMSG);
	TAP_EQ(wire_payload_size(&p, P_BITMAP, 12), -EBADMSG);
	TAP_EQ(wire_payload_size(&p, P_COMPRESSED_BITMAP, 1), -EBADMSG);
	TAP_EQ(wire_payload_size(&p, P_AUTH_CHALLENGE, 63), -EBADMSG);
	TAP_STREQ(wire_cmd_name(P_CONNECTION_FEATURES), "P_CONNECTION_FEATURES");
	TAP_EQ(wire_max_bio_size(94), 32768);
	TAP_EQ(wire_max_bio_size(96), 131072);
}

TAP_TEST(protocol_s01_s10)
{
	struct wire_protocol pr = { 3, 0, 0, 0, 0, 0, "" }, got;
	struct wire_proto p86 = { 86, 0, 0 };

	EXPECT_BYTES(wire_protocol_encode(&p101, P_PROTOCOL, 0, &pr, buf, sizeof(buf)),
		     "8620ec200000000b0000001900000000 00000003"
		     "0000000000000000000000000000000000000000 00");
	TAP_EQ(wire_protocol_decode(&p101, buf + 16, 25, &got), 0);
	TAP_EQ(got.wire_protocol, 3);
	TAP_STREQ(got.integrity_alg, "");
	strcpy(pr.integrity_alg, "crc32c");	/* s10 */
	EXPECT_BYTES(wire_protocol_encode(&p101, P_PROTOCOL, 0, &pr, buf, sizeof(buf)),
		     "8620ec200000000b0000001f00000000 00000003"
		     "0000000000000000000000000000000000000000 63726333326300");
	TAP_EQ(wire_protocol_decode(&p101, buf + 16, 31, &got), 0);
	TAP_STREQ(got.integrity_alg, "crc32c");
	TAP_EQ(wire_protocol_decode(&p101, buf + 16, 23, &got), -EBADMSG);
	TAP_EQ(wire_protocol_decode(&p86, buf + 16, 31, &got), -EBADMSG);
	TAP_EQ(wire_protocol_decode(&p101, buf + 16, 24 + 65, &got), -EBADMSG);
	buf[16 + 3] = 4;	/* protocol "D" */
	TAP_EQ(wire_protocol_decode(&p101, buf + 16, 31, &got), -EPROTO);
	TAP_EQ(wire_protocol_encode(&p101, P_STATE, 0, &pr, buf, sizeof(buf)), -EINVAL);
	memset(pr.integrity_alg, 'x', sizeof(pr.integrity_alg));	/* no NUL */
	TAP_EQ(wire_protocol_encode(&p101, P_PROTOCOL, 0, &pr, buf, sizeof(buf)), -EINVAL);
}

TAP_TEST(sync_param_by_apv)
{
	struct wire_sync_param sp = { 102400, "", "", 0, 10, 100, 102400 }, got;
	struct wire_proto p = p101;
	int n = wire_sync_param_encode(&p101, 0, &sp, buf, sizeof(buf));

	/* s01: 148 bytes, resync-rate 100M, c-plan-ahead 0, defaults */
	TAP_EQ(n, 16 + 148);
	unhex_into("8620ec2000000023000000940000000000019000", want, 20);
	TAP_MEMEQ(buf, want, 20);
	unhex_into("00000000 0000000a 00000064 00019000", want, 16);
	TAP_MEMEQ(buf + 16 + 132, want, 16);
	TAP_EQ(wire_sync_param_decode(&p101, buf + 16, 148, &got), 0);
	TAP_EQ(got.c_fill_target, 100);
	TAP_EQ(got.c_max_rate, 102400);
	TAP_EQ(wire_sync_param_decode(&p101, buf + 16, 132, &got), -EBADMSG);
	strcpy(sp.verify_alg, "md5");
	p.apv = 88;	/* P_SYNC_PARAM with the name and its NUL */
	EXPECT_BYTES(wire_sync_param_encode(&p, 0, &sp, buf, sizeof(buf)),
		     "83740267000a0008 00019000 6d643500");
	TAP_EQ(wire_sync_param_decode(&p, buf + 8, 8, &got), 0);
	TAP_STREQ(got.verify_alg, "md5");
	TAP_EQ(got.c_max_rate, 0);
	TAP_EQ(wire_sync_param_decode(&p, buf + 8, 4, &got), -EBADMSG);
	p.apv = 90;
	TAP_EQ(wire_sync_param_encode(&p, 0, &sp, buf, sizeof(buf)), 8 + 132);
	TAP_EQ(wire_get_be16(buf + 4), P_SYNC_PARAM89);
	p.apv = 86;
	TAP_EQ(wire_sync_param_encode(&p, 0, &sp, buf, sizeof(buf)), 8 + 4);
	TAP_EQ(wire_sync_param_encode(&p101, 0, &sp, buf, 100), -EMSGSIZE);
}

TAP_TEST(uuids_s01)
{
	struct wire_uuids u = { 0x60c6cbc05ef2fb23ull, 4, { 0, 0 }, 0x7f6, 0 }, got;

	EXPECT_BYTES(wire_uuids_encode(&p101, 0, &u, buf, sizeof(buf)),
		     "8620ec200000000c0000003000000000 60c6cbc05ef2fb23"
		     "0000000000000004 0000000000000000 0000000000000000"
		     "00000000000007f6 0000000000000000");
	TAP_EQ(wire_uuids_decode(buf + 16, 48, &got), 0);
	TAP_MEMEQ(&got, &u, sizeof(u));
	TAP_EQ(wire_uuids_decode(buf + 16, 40, &got), -EBADMSG);
}

TAP_TEST(sizes_s01)
{
	struct wire_sizes s = { 16304, 0, 16304, 1 << 20, 0, 0,
				{ 512, 512, 0, 512, 0, 1, 0, 0, 0 } }, got;
	struct wire_proto p = p101;

	EXPECT_BYTES(wire_sizes_encode(&p101, 0, &s, buf, sizeof(buf)),
		     "8620ec200000000d0000003800000000"
		     "0000000000003fb0 0000000000000000 0000000000003fb0"
		     "00100000 0000 0000 00000200 00000200 00000000 00000200"
		     "00000000 01000000");
	TAP_EQ(wire_sizes_decode(&p101, buf + 16, 56, &got), 0);
	TAP_MEMEQ(&got, &s, sizeof(s));
	TAP_EQ(wire_sizes_decode(&p101, buf + 16, 32, &got), -EBADMSG);
	p.features = 0;	/* no o_qlim without FF_WSAME */
	TAP_EQ(wire_sizes_encode(&p, 0, &s, buf, sizeof(buf)), 16 + 32);
	TAP_EQ(wire_sizes_decode(&p, buf + 16, 32, &got), 0);
	TAP_EQ(got.qlim.logical_block_size, 0);
	TAP_EQ(got.c_size, 16304);
}

TAP_TEST(state_requests_s01)
{
	struct wire_req_state r = { 0x1e03, 0x1001 }, gr;
	uint32_t w;
	int32_t rc;
	uint64_t uuid;

	EXPECT_BYTES(wire_state_encode(&p101, 0, 0xc882, buf, sizeof(buf)),
		     "8620ec200000000e0000000400000000 0000c882");
	TAP_EQ(wire_state_decode(buf + 16, 4, &w), 0);
	TAP_EQ(w, 0xc882);
	TAP_EQ(wire_state_decode(buf + 16, 8, &w), -EBADMSG);
	EXPECT_BYTES(wire_req_state_encode(&p101, P_STATE_CHG_REQ, 0, &r, buf, sizeof(buf)),
		     "8620ec200000001200000008 00000000 00001e03 00001001");
	TAP_EQ(wire_req_state_decode(buf + 16, 8, &gr), 0);
	TAP_EQ(gr.val, 0x1001);
	TAP_EQ(wire_req_state_decode(buf + 16, 4, &gr), -EBADMSG);
	r = (struct wire_req_state){ 0x1f0, 0x10 };	/* down: Disconnecting */
	EXPECT_BYTES(wire_req_state_encode(&p101, P_CONN_ST_CHG_REQ, 0, &r, buf, sizeof(buf)),
		     "8620ec200000002a0000000800000000 000001f0 00000010");
	TAP_EQ(wire_req_state_encode(&p101, P_STATE, 0, &r, buf, sizeof(buf)), -EINVAL);
	EXPECT_BYTES(wire_req_state_reply_encode(&p101, P_CONN_ST_CHG_REPLY, 0, 1, buf,
						 sizeof(buf)),
		     "8620ec200000002b0000000400000000 00000001");
	TAP_EQ(wire_req_state_reply_encode(&p101, P_STATE_CHG_REPLY, 0, -19, buf,
					   sizeof(buf)), 20);
	TAP_EQ(wire_req_state_reply_decode(buf + 16, 4, &rc), 0);
	TAP_EQ(rc, -19);
	EXPECT_BYTES(wire_sync_uuid_encode(&p101, 0, 0x278490b99cabf3c5ull, buf, sizeof(buf)),
		     "8620ec200000000f0000000800000000 278490b99cabf3c5");
	TAP_EQ(wire_sync_uuid_decode(buf + 16, 8, &uuid), 0);
	TAP_EQ_U64(uuid, 0x278490b99cabf3c5ull);
	TAP_EQ(wire_sync_uuid_decode(buf + 16, 7, &uuid), -EBADMSG);
}

TAP_TEST(data_s01_s10)
{
	struct wire_data d = { 4096, 0, 1, DP_SEND_WRITE_ACK | DP_RW_SYNC, 0, 0, 0 }, g;
	struct wire_proto p10 = { 101, 0xf, 4 };
	struct wire_blob dig;
	static const uint8_t crc[4] = { 0x1c, 0xc9, 0x90, 0x00 };
	uint8_t id[8];

	/* s01: 512 KiB P_DATA, block_id is a's request pointer, as sent */
	unhex_into("e0b7bf42c44f27ff", id, 8);
	memcpy(&d.block_id, id, 8);
	EXPECT_BYTES(wire_data_encode(&p101, P_DATA, 0, &d, NULL, 512 << 10, buf,
				      sizeof(buf)),
		     "8620ec200000000000080018 00000000 0000000000001000"
		     "e0b7bf42c44f27ff 00000001 00000102");
	TAP_EQ(wire_data_decode(&p101, P_DATA, buf + 16, 24, 0x80018, &g, &dig), 0);
	TAP_EQ(g.sector, 4096);
	TAP_EQ(g.data_size, 512 << 10);
	TAP_EQ(g.seq_num, 1);
	TAP_EQ(g.dp_flags, 0x102);
	TAP_MEMEQ(&g.block_id, id, 8);
	/* s10: a 4 KiB write with its crc32c digest after p_data */
	d.sector = 800;
	EXPECT_BYTES(wire_data_encode(&p10, P_DATA, 0, &d, crc, 4096, buf, sizeof(buf)),
		     "8620ec20 0000 0000 0000101c 00000000 0000000000000320"
		     "e0b7bf42c44f27ff 00000001 00000102 1cc99000");
	TAP_EQ(wire_data_decode(&p10, P_DATA, buf + 16, 28, 4124, &g, &dig), 0);
	TAP_EQ(g.data_size, 4096);
	TAP_EQ(dig.len, 4);
	TAP_OK(dig.ptr && !memcmp(dig.ptr, crc, 4), "digest view");
	TAP_EQ(wire_data_decode(&p10, P_DATA, buf + 16, 24, 4124, &g, &dig), 0);
	TAP_OK(!dig.ptr, "digest not in the buffer");
	TAP_EQ(wire_data_decode(&p10, P_DATA, buf + 16, 24, 27, &g, NULL), -EBADMSG);
	TAP_EQ(wire_data_encode(&p10, P_DATA, 0, &d, NULL, 4096, buf, sizeof(buf)),
	       -EINVAL);
	TAP_EQ(wire_data_decode(&p101, P_DATA, buf + 16, 24, 24 + 1000, &g, NULL),
	       -EPROTO);	/* not a multiple of 512 */
	TAP_EQ(wire_data_decode(&p101, P_DATA, buf + 16, 24, 24 + (2 << 20), &g,
				NULL), -EPROTO);
	TAP_EQ(wire_data_decode(&p101, P_DATA, buf + 16, 24, 24, &g, NULL), 0);
	TAP_EQ(wire_data_decode(&p101, P_STATE, buf + 16, 24, 24, &g, NULL), -EINVAL);
	TAP_EQ(wire_data_encode(&p101, P_DATA, 0, &d, NULL, 4096, buf, 16 + 23),
	       -EMSGSIZE);
}

TAP_TEST(trim_zeroes)
{
	struct wire_data d = { 2048, 7, 3, DP_ZEROES | DP_DISCARD, 1 << 20, 0, 0 }, g;
	struct wire_proto p10 = { 101, 0xf, 4 };

	TAP_EQ(wire_data_encode(&p10, P_ZEROES, 1, &d, NULL, 0, buf, sizeof(buf)),
	       16 + 28);	/* no digest on P_ZEROES, even with integrity */
	TAP_EQ(wire_get_be32(buf + 8), 28);
	TAP_EQ(wire_data_decode(&p10, P_ZEROES, buf + 16, 28, 28, &g, NULL), 0);
	TAP_EQ(g.size, 1 << 20);
	TAP_EQ(g.dp_flags, DP_ZEROES | DP_DISCARD);
	TAP_EQ(g.data_size, 0);
	TAP_EQ(wire_data_decode(&p10, P_TRIM, buf + 16, 28, 28 + 512, &g, NULL),
	       -EBADMSG);
	TAP_EQ(wire_data_encode(&p10, P_TRIM, 1, &d, NULL, 512, buf, sizeof(buf)),
	       -EINVAL);
	wire_put_be32(buf + 16 + 24, 1000);
	TAP_EQ(wire_data_decode(&p10, P_TRIM, buf + 16, 28, 28, &g, NULL), -EPROTO);
	wire_put_be32(buf + 16 + 24, 256u << 20);
	TAP_EQ(wire_data_decode(&p10, P_TRIM, buf + 16, 28, 28, &g, NULL), -EPROTO);
}

TAP_TEST(requests_and_acks_s01_s05)
{
	struct wire_block_req r = { 0, ID_SYNCER, 1 << 20 }, gr;
	struct wire_block_ack a = { 0, ID_SYNCER, 1 << 20, 1 }, ga;
	struct wire_blob dig;
	static const uint8_t md5[16] = { 1, 2, 3 };

	EXPECT_BYTES(wire_block_req_encode(&p101, P_RS_DATA_REQUEST, 0, &r, NULL, 0,
					   buf, sizeof(buf)),
		     "8620ec200000000900000018 00000000 0000000000000000"
		     "ffffffffffffffff 00100000 00000000");
	buf[16 + 20] = 0x33;	/* 8.4.11 leaves the pad uninitialised */
	TAP_EQ(wire_block_req_decode(P_RS_DATA_REQUEST, buf + 16, 24, &gr, &dig), 0);
	TAP_EQ_U64(gr.block_id, ID_SYNCER);
	TAP_EQ(gr.blksize, 1 << 20);
	TAP_EQ(wire_block_req_decode(P_RS_DATA_REQUEST, buf + 16, 40, &gr, &dig),
	       -EBADMSG);
	wire_put_be32(buf + 16 + 16, 0);
	TAP_EQ(wire_block_req_decode(P_DATA_REQUEST, buf + 16, 24, &gr, NULL), -EPROTO);
	wire_put_be32(buf + 16 + 16, 4000);
	TAP_EQ(wire_block_req_decode(P_DATA_REQUEST, buf + 16, 24, &gr, NULL), -EPROTO);
	r.blksize = 4096;
	TAP_EQ(wire_block_req_encode(&p101, P_OV_REPLY, 0, &r, md5, 16, buf,
				     sizeof(buf)), 16 + 40);
	TAP_EQ(wire_block_req_decode(P_OV_REPLY, buf + 16, 40, &gr, &dig), 0);
	TAP_EQ(dig.len, 16);
	TAP_OK(dig.ptr && !memcmp(dig.ptr, md5, 16), "verify digest view");
	TAP_EQ(wire_block_req_encode(&p101, P_DATA_REQUEST, 0, &r, md5, 16, buf,
				     sizeof(buf)), -EINVAL);
	/* s01: b's P_RS_WRITE_ACK; its seq_num is b's own counter */
	EXPECT_BYTES(wire_block_ack_encode(&p101, P_RS_WRITE_ACK, 0, &a, buf, sizeof(buf)),
		     "8620ec200000001700000018 00000000 0000000000000000"
		     "ffffffffffffffff 00100000 00000001");
	TAP_EQ(wire_block_ack_decode(buf + 16, 24, &ga), 0);
	TAP_MEMEQ(&ga, &a, sizeof(a));
	TAP_EQ(wire_block_ack_decode(buf + 16, 23, &ga), -EBADMSG);
	TAP_EQ(wire_block_ack_encode(&p101, P_DATA, 0, &a, buf, sizeof(buf)), -EINVAL);
	/* s05: P_OV_RESULT carries 4711 big-endian in block_id */
	a = (struct wire_block_ack){ 0, 0, 4096, 1 };
	wire_ov_result_set_id(&a, ID_IN_SYNC);
	EXPECT_BYTES(wire_block_ack_encode(&p101, P_OV_RESULT, 0, &a, buf, sizeof(buf)),
		     "8620ec200000002000000018 00000000 0000000000000000"
		     "0000000000001267 00001000 00000001");
	TAP_EQ(wire_block_ack_decode(buf + 16, 24, &ga), 0);
	TAP_EQ(wire_ov_result_id(&ga), ID_IN_SYNC);
}

TAP_TEST(barriers_ping_desc_s01)
{
	struct wire_barrier b = { 0, 0 }, gb;
	struct wire_block_desc d = { 1234, 8192 }, gd;
	struct wire_delay_probe dp;
	bool en;

	EXPECT_BYTES(wire_barrier_encode(&p101, P_BARRIER, 0, &b, buf, sizeof(buf)),
		     "8620ec200000000300000008 00000000 00000000 00000000");
	b.set_size = 2;
	EXPECT_BYTES(wire_barrier_encode(&p101, P_BARRIER_ACK, 0, &b, buf, sizeof(buf)),
		     "8620ec200000001c00000008 00000000 00000000 00000002");
	TAP_EQ(wire_barrier_decode(P_BARRIER_ACK, buf + 16, 8, &gb), 0);
	TAP_EQ(gb.set_size, 2);
	TAP_EQ(wire_barrier_decode(P_BARRIER_ACK, buf + 16, 12, &gb), -EBADMSG);
	b.barrier = 0x01020304;	/* opaque: the bytes come back as they were */
	wire_barrier_encode(&p101, P_BARRIER, 0, &b, buf, sizeof(buf));
	TAP_EQ(wire_barrier_decode(P_BARRIER, buf + 16, 8, &gb), 0);
	TAP_EQ(gb.barrier, 0x01020304);
	EXPECT_BYTES(wire_empty_encode(&p101, P_PING, 0, buf, sizeof(buf)),
		     "8620ec20000000130000000000000000");
	TAP_EQ(wire_block_desc_encode(&p101, P_OUT_OF_SYNC, 0, &d, buf, sizeof(buf)), 32);
	TAP_EQ(wire_block_desc_decode(buf + 16, 16, &gd), 0);
	TAP_EQ(gd.sector, 1234);
	TAP_EQ(gd.blksize, 8192);
	TAP_EQ(wire_block_desc_decode(buf + 16, 24, &gd), -EBADMSG);
	TAP_EQ(wire_block_desc_encode(&p101, P_DATA, 0, &d, buf, sizeof(buf)), -EINVAL);
	unhex_into("0000000700000010", buf, 8);
	TAP_EQ(wire_delay_probe_decode(buf, 8, &dp), 0);
	TAP_EQ(dp.offset, 16);
	unhex_into("01000000", buf, 4);
	TAP_EQ(wire_enable_replication_decode(buf, 4, &en), 0);
	TAP_OK(en, "enable");
	buf[0] = 2;
	TAP_EQ(wire_enable_replication_decode(buf, 4, &en), -EPROTO);
}

TAP_TEST(auth_lengths)
{
	uint8_t chal[64] = { 1 }, dig[32] = { 2 };
	struct wire_blob b;

	TAP_EQ(wire_auth_challenge_encode(&p101, chal, 64, buf, sizeof(buf)), 80);
	TAP_EQ(wire_get_be16(buf + 6), P_AUTH_CHALLENGE);
	TAP_EQ(wire_auth_challenge_decode(buf + 16, 64, &b), 0);
	TAP_EQ(b.len, 64);
	TAP_EQ(wire_auth_challenge_decode(buf + 16, 63, &b), -EBADMSG);
	TAP_EQ(wire_auth_challenge_encode(&p101, chal, 32, buf, sizeof(buf)), -EINVAL);
	TAP_EQ(wire_auth_response_encode(&p101, dig, 32, buf, sizeof(buf)), 48);
	TAP_EQ(wire_auth_response_decode(buf + 16, 32, &b), 0);
	TAP_EQ(wire_auth_response_decode(buf + 16, 0, &b), -EBADMSG);
	TAP_EQ(wire_auth_response_decode(buf + 16, 65, &b), -EBADMSG);
}

TAP_TEST(payload_dispatch_and_errors)
{
	struct wire_payload pl;

	unhex_into("0000c882", buf, 4);
	TAP_EQ(wire_payload_decode(&p101, P_STATE, buf, 4, &pl), 0);
	TAP_EQ(pl.kind, WIRE_PL_STATE);
	TAP_EQ(pl.u.word, 0xc882);
	TAP_EQ(wire_payload_decode(&p101, P_STATE, buf, 3, &pl), -EBADMSG);
	TAP_STREQ(wire_last_error(), "payload length does not fit the command");
	TAP_EQ(wire_payload_decode(&p101, 0x37, buf, 0, &pl), -EPROTO);
	TAP_EQ(wire_payload_decode(&p101, P_PING, buf, 0, &pl), 0);
	TAP_EQ(pl.kind, WIRE_PL_NONE);
	TAP_EQ(wire_payload_encode(&p101, 0, &pl, buf, sizeof(buf)), 16);
	TAP_EQ(wire_get_be16(buf + 6), P_PING);
}

int main(void)
{
	return tap_run();
}
