// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Where native mode keeps VLAN tags: the choice from what the kernel, the
 * driver and the device say (the README's table in "Kernel support"),
 * and what the readers say of real devices in a namespace of their own:
 * lo strips nothing, a veth may (its tags come from the peer), and its
 * driver reports the tag exactly when the kernel has the kfunc (6.8+).
 * Needs root (unshare) and iproute2.
 */
#include <sched.h>
#include <stdlib.h>
#include <net/if.h>

#include "harness.h"
#include "rx_meta.h"
#include "rx_vlan.h"

static void check_choices(void)
{
	static const struct {
		bool kfunc, reports, may_strip;
		enum ndpr_vlan want;
	} cases[] = {
		{ true, true, true, NDPR_VLAN_RESTORED },
		{ true, true, false, NDPR_VLAN_RESTORED },
		{ true, false, false, NDPR_VLAN_IN_FRAME },
		{ false, false, false, NDPR_VLAN_IN_FRAME },
		{ true, false, true, NDPR_VLAN_NONE },
		{ false, false, true, NDPR_VLAN_NONE },
		/* A driver's word without the kernel's kfunc is no use. */
		{ false, true, true, NDPR_VLAN_NONE },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = "";
		char name[128];
		enum ndpr_vlan got;

		got = rx_vlan_choose(cases[i].kfunc, cases[i].reports,
				     cases[i].may_strip, &why);
		snprintf(name, sizeof(name),
			 "rx_vlan: kfunc %d, driver reports %d, may strip %d "
			 "-> %s",
			 cases[i].kfunc, cases[i].reports, cases[i].may_strip,
			 cases[i].want == NDPR_VLAN_NONE ?
				 "native mode not safe" :
				 vlan_name(cases[i].want));
		harness_result(got == cases[i].want &&
				       (got != NDPR_VLAN_NONE || *why),
			       name, "got %s (why '%s')", vlan_name(got), why);
	}
}

static void check_device(const char *ifname, bool want_strip, bool want_reports)
{
	bool strip = !want_strip, reports = !want_reports;
	char name[128];
	int ret;

	snprintf(name, sizeof(name), "rx_vlan: %s %s strip tags", ifname,
		 want_strip ? "may" : "does not");
	ret = iface_may_strip_vlan(ifname, &strip);
	harness_result(!ret && strip == want_strip, name, "ret %d, got %d", ret,
		       strip);
	snprintf(name, sizeof(name), "rx_vlan: %s's driver %s the tag", ifname,
		 want_reports ? "reports" : "does not report");
	ret = driver_reports_rx_vlan((int)if_nametoindex(ifname), &reports);
	harness_result(!ret && reports == want_reports, name, "ret %d, got %d",
		       ret, reports);
}

int main(void)
{
	bool kfunc = kernel_has_rx_vlan_kfunc();

	check_choices();
	if (!CHECK("rx_vlan: a network namespace of its own",
		   !unshare(CLONE_NEWNET), "unshare: %m (needs root)") ||
	    !CHECK("rx_vlan: a veth pair",
		   !system("ip link add vt0 type veth peer name vt1"),
		   "ip link add failed"))
		return harness_exit();
	check_device("lo", false, false);
	check_device("vt0", true, kfunc);
	return harness_exit();
}
