"""Build a generated block with Icarus through cocotb's runner and run a cocotb test
module on it. Usage: run.py RTL_DIR TOPLEVEL TEST_MODULE BUILD_DIR [NAME=VALUE ...]
(the NAME=VALUE pairs are the test's environment; the module is found on PYTHONPATH).
Everything the run writes goes to BUILD_DIR. Exit 0 when every test passed."""

import glob
import os
import sys

from cocotb.runner import get_results, get_runner


def main():
    rtl, top, module, build = sys.argv[1:5]
    env = dict(a.split("=", 1) for a in sys.argv[5:])
    runner = get_runner("icarus")
    runner.build(verilog_sources=sorted(glob.glob(os.path.join(rtl, "*.v"))), hdl_toplevel=top,
                 build_dir=build, timescale=("1ns", "1ps"), always=True)
    xml = runner.test(hdl_toplevel=top, test_module=module, build_dir=build, test_dir=build,
                      results_xml=os.path.join(build, "results.xml"), extra_env=env)
    total, failed = get_results(xml)
    print(f"cocotb: {module} on {top}: {total} tests, {failed} failed")
    return 1 if failed or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
