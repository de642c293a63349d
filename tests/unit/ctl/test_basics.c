/* strbuf, state names, events2 timestamps and helper lines. */
#include "ctl/fmt.h"
#include "tests/tap.h"

TAP_TEST(strbuf_grows_and_resets)
{
	struct strbuf sb = STRBUF_INIT;

	TAP_STREQ(strbuf_str(&sb), "");
	for (int i = 0; i < 1000; i++)
		strbuf_printf(&sb, "%04d,", i);
	TAP_EQ(sb.len, 5000);
	TAP_OK(!strncmp(sb.buf + 4995, "0999,", 5), "tail");
	strbuf_reset(&sb);
	strbuf_spaces(&sb, 3);
	strbuf_putc(&sb, 'x');
	TAP_STREQ(strbuf_str(&sb), "   x");
	strbuf_free(&sb);
	TAP_EQ(sb.len, 0);
}

TAP_TEST(state_names)
{
	TAP_STREQ(drbd_disk_state_name(D_UNKNOWN), "DUnknown");
	TAP_STREQ(drbd_repl_state_name(L_WF_BITMAP_S), "WFBitMapS");
	TAP_STREQ(drbd_repl_state_name(L_PAUSED_SYNC_T), "PausedSyncT");
	TAP_STREQ(drbd_conn_state_name(C_TEAR_DOWN), "TearDown");
	TAP_STREQ(drbd_role_name(R_UNKNOWN), "Unknown");
	TAP_STREQ(drbd_disk_state_name((enum drbd_disk_state)42), "?");
	TAP_EQ(drbd_repl_state_from_name("VerifyT"), L_VERIFY_T);
	TAP_EQ(drbd_disk_state_from_name("UpToDate"), D_UP_TO_DATE);
	TAP_EQ(drbd_conn_state_from_name("Connecting"), C_CONNECTING);
	TAP_EQ(drbd_role_from_name("nonsense"), -1);
	TAP_OK(ctl_write_ordering_name((enum ctl_write_ordering)9) == NULL, "wo");
}

TAP_TEST(timestamp_format)
{
	char ts[CTL_EV2_TS_LEN];

	ctl_ev2_timestamp(ts, &(struct ctl_ev2_time){ 2026, 11, 24, 12, 39, 7,
						      442382, 0 });
	TAP_STREQ(ts, "2026-11-24T12:39:07.442382+00:00 ");
	ctl_ev2_timestamp(ts, &(struct ctl_ev2_time){ 2027, 1, 2, 3, 4, 5, 6,
						      -(5 * 3600 + 30 * 60) });
	TAP_STREQ(ts, "2027-01-02T03:04:05.000006-05:30 ");
	/* drbdsetup's sign comes from the hours only. */
	ctl_ev2_timestamp(ts, &(struct ctl_ev2_time){ 2027, 1, 2, 3, 4, 5, 6,
						      -30 * 60 });
	TAP_STREQ(ts, "2027-01-02T03:04:05.000006+00:30 ");
}

TAP_TEST(helper_lines)
{
	struct strbuf sb = STRBUF_INIT;

	/* Lines of s01-two-node-sync/a/events2-live-timestamps.txt */
	ctl_ev2_helper(&sb, "", &(struct ctl_ev2_helper){
		.resource = "r0", .peer_node_id = 1, .conn_name = "b",
		.volume = -1, .minor = -1, .helper = "disconnected" });
	ctl_ev2_helper(&sb, "", &(struct ctl_ev2_helper){
		.resource = "r0", .peer_node_id = 1, .conn_name = "b",
		.volume = 0, .minor = 0, .helper = "before-resync-source",
		.response = true, .status = 0 });
	ctl_ev2_rename(&sb, "", "r0", "r1");
	TAP_STREQ(strbuf_str(&sb),
		  "call helper name:r0 peer-node-id:1 conn-name:b helper:disconnected\n"
		  "response helper name:r0 peer-node-id:1 conn-name:b volume:0 minor:0 helper:before-resync-source status:0\n"
		  "rename resource name:r0 new_name:r1\n");
	strbuf_free(&sb);
}

int main(void)
{
	return tap_run();
}
