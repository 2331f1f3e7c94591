// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/* The kernel floor: which release strings the loader lets through. */
#include "harness.h"
#include "kernel.h"

int main(void)
{
	static const struct {
		const char *release;
		bool ok;
	} cases[] = {
		{ "6.18.44-fc-v657", true },
		{ "6.1.0-26-cloud-amd64", true },
		{ "5.10.0-32-cloud-amd64", true },
		{ "5.15.0-91-generic", true },
		{ "5.9.16", false },
		{ "5.4.0-169-generic", false },
		{ "4.18.0-513.el8.x86_64", false },
		{ "3.10.0", false },
		{ "10.0", true },
		{ "garbage", true }, /* unknown: the load will tell */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char name[96];
		bool got = kernel_release_supported(cases[i].release);

		snprintf(name, sizeof(name), "kernel %s %s", cases[i].release,
			 cases[i].ok ? "supported" : "refused");
		harness_result(got == cases[i].ok, name, "got %d", got);
	}
	return harness_exit();
}
