/* CRC-32C as DRBD's activity log needs it (drbd-metadata-resync.md §3.5). */
#include "plat/plat.h"
#include "tests/tap.h"

void plat_crc32c_force_table(bool on);

static void al_init_block(uint8_t *b)
{
	memset(b, 0, 4096);
	b[0] = 0x69; b[1] = 0xcb; b[2] = 0x65; b[3] = 0xa2; /* DRBD_AL_MAGIC */
	b[12] = 0xff; b[13] = 0xff;			      /* type: initialized */
}

TAP_TEST(al_initialized_block_vector)
{
	uint8_t b[4096];

	al_init_block(b);
	TAP_EQ(plat_crc32c(0, b, sizeof(b)), 0x709CC651u);
	TAP_EQ(~plat_crc32c(~0u, b, sizeof(b)), 0xE86587D8u);
}

TAP_TEST(standard_check_value)
{
	/* The catalogue's check value of CRC-32C over "123456789". */
	TAP_EQ(~plat_crc32c(~0u, "123456789", 9), 0xE3069283u);
}

TAP_TEST(table_and_hardware_agree)
{
	uint8_t buf[1000];
	uint32_t hw, sw;

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	plat_crc32c_force_table(false);
	hw = plat_crc32c(0x1234, buf + 3, sizeof(buf) - 5);
	plat_crc32c_force_table(true);
	sw = plat_crc32c(0x1234, buf + 3, sizeof(buf) - 5);
	plat_crc32c_force_table(false);
	TAP_EQ(hw, sw);
}

TAP_TEST(incremental_equals_whole)
{
	uint8_t b[4096];

	al_init_block(b);
	TAP_EQ(plat_crc32c(plat_crc32c(0, b, 1000), b + 1000, 3096),
	       plat_crc32c(0, b, 4096));
}

int main(void)
{
	return tap_run();
}
