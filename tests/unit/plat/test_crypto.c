/* Digests and HMACs against published vectors (RFC 1321, FIPS 180,
 * RFC 2202 for HMAC-SHA1, RFC 4231 for HMAC-SHA256). */
#include "tests/unit/plat/plat_test.h"
#include "tests/tap.h"

static void unhex(const char *hex, uint8_t *out)
{
	for (size_t i = 0; hex[2 * i]; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (uint8_t)v;
	}
}

static void check_hash(enum plat_hash_alg alg, const char *msg, const char *hex)
{
	uint8_t got[PLAT_HASH_MAX_LEN], want[PLAT_HASH_MAX_LEN];

	unhex(hex, want);
	TAP_EQ(plat_hash_len(alg), strlen(hex) / 2);
	TAP_EQ(plat_hash(alg, msg, strlen(msg), got), 0);
	TAP_MEMEQ(got, want, strlen(hex) / 2);
}

TAP_TEST(digests)
{
	check_hash(PLAT_HASH_MD5, "", "d41d8cd98f00b204e9800998ecf8427e");
	check_hash(PLAT_HASH_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72");
	check_hash(PLAT_HASH_SHA1, "abc", "a9993e364706816aba3e25717850c26c9cd0d89d");
	check_hash(PLAT_HASH_SHA256, "abc",
		   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* The kernel's crc32c digest: the check value, little-endian. */
	check_hash(PLAT_HASH_CRC32C, "123456789", "839206e3");
}

static void check_hmac(enum plat_hash_alg alg, const void *key, size_t key_len,
		       const char *msg, const char *hex)
{
	uint8_t got[PLAT_HASH_MAX_LEN], want[PLAT_HASH_MAX_LEN];

	unhex(hex, want);
	TAP_EQ(plat_hmac(alg, key, key_len, msg, strlen(msg), got), 0);
	TAP_MEMEQ(got, want, strlen(hex) / 2);
}

static const char big_key_msg[] = "Test Using Larger Than Block-Size Key - Hash Key First";

TAP_TEST(hmac_sha1_rfc2202)
{
	uint8_t k0b[20], kaa[80];

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	check_hmac(PLAT_HASH_SHA1, k0b, sizeof(k0b), "Hi There",
		   "b617318655057264e28bc0b6fb378c8ef146be00");
	check_hmac(PLAT_HASH_SHA1, "Jefe", 4, "what do ya want for nothing?",
		   "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
	check_hmac(PLAT_HASH_SHA1, kaa, sizeof(kaa), big_key_msg,
		   "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}

TAP_TEST(hmac_sha256_rfc4231)
{
	uint8_t k0b[20], kaa[131];

	memset(k0b, 0x0b, sizeof(k0b));
	memset(kaa, 0xaa, sizeof(kaa));
	check_hmac(PLAT_HASH_SHA256, k0b, sizeof(k0b), "Hi There",
		   "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
	check_hmac(PLAT_HASH_SHA256, "Jefe", 4, "what do ya want for nothing?",
		   "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
	check_hmac(PLAT_HASH_SHA256, kaa, sizeof(kaa), big_key_msg,
		   "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TAP_TEST(hash_by_name)
{
	TAP_EQ(plat_hash_by_name("md5"), PLAT_HASH_MD5);
	TAP_EQ(plat_hash_by_name("sha1"), PLAT_HASH_SHA1);
	TAP_EQ(plat_hash_by_name("sha256"), PLAT_HASH_SHA256);
	TAP_EQ(plat_hash_by_name("crc32c"), PLAT_HASH_CRC32C);
	TAP_EQ(plat_hash_by_name("hmac(sha256)"), PLAT_HASH_SHA256);
	TAP_EQ(plat_hash_by_name("hmac(sha1)"), PLAT_HASH_SHA1);
	TAP_EQ(plat_hash_by_name("hmac(sha256"), PLAT_HASH_NONE);
	TAP_EQ(plat_hash_by_name("hmac()"), PLAT_HASH_NONE);
	TAP_EQ(plat_hash_by_name("sha512"), PLAT_HASH_NONE);
	TAP_EQ(plat_hash_by_name(NULL), PLAT_HASH_NONE);
}

TAP_TEST(unknown_algorithm_is_einval)
{
	uint8_t out[PLAT_HASH_MAX_LEN];

	TAP_EQ(plat_hash(PLAT_HASH_NONE, "x", 1, out), -EINVAL);
	TAP_EQ(plat_hmac(PLAT_HASH_CRC32C, "k", 1, "x", 1, out), -EINVAL);
}

int main(void)
{
	plat_init();
	return tap_run();
}
