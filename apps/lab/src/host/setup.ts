import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { labCacheDir } from "./paths";

const run = promisify(execFile);

/** Debian packages the lab needs on the host; the VM sees them through the 9p root share. */
export const LAB_HOST_PACKAGES = [
  "qemu-system-x86",
  "linux-image-amd64",
  "frr",
  // frr-reload.py: the agent's frr driver applies frr.conf through it
  "frr-pythontools",
  "iptables",
  "iputils-ping",
  "iproute2",
  "initramfs-tools",
] as const;

/** Debian's stock initramfs cannot mount a 9p root; these modules make it able to. */
const INITRAMFS_EXTRA_MODULES = ["9p", "9pnet", "9pnet_virtio", "overlay"];

export interface LabHost {
  kernel: string;
  initrd: string;
  kernelVersion: string;
}

export async function missingPackages(packages: readonly string[] = LAB_HOST_PACKAGES): Promise<string[]> {
  const missing: string[] = [];
  for (const pkg of packages) {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: dpkg-query's own format syntax, not a JS template
    const status = await run("dpkg-query", ["-W", "-f=${Status}", pkg]).then(
      (r) => r.stdout,
      () => "",
    );
    if (!status.includes("install ok installed")) missing.push(pkg);
  }
  return missing;
}

async function installPackages(packages: string[], log: (line: string) => void): Promise<void> {
  log(`apt-get install ${packages.join(" ")}`);
  await run("apt-get", ["-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", ...packages], {
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** The newest installed Debian kernel that has the GRE module (the host's own kernel may have none). */
export async function findKernel(): Promise<{ kernel: string; kernelVersion: string }> {
  const versions = (await readdir("/boot"))
    .filter((f) => f.startsWith("vmlinuz-"))
    .map((f) => f.slice("vmlinuz-".length))
    .filter(
      (v) => existsSync(`/lib/modules/${v}/kernel/net/ipv4/ip_gre.ko`) || hasCompressedModule(v, "net/ipv4/ip_gre"),
    )
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const kernelVersion = versions.at(-1);
  if (!kernelVersion) throw new Error("no /boot/vmlinuz-* with an ip_gre module: install linux-image-amd64");
  return { kernel: `/boot/vmlinuz-${kernelVersion}`, kernelVersion };
}

function hasCompressedModule(version: string, module: string): boolean {
  return [".ko.xz", ".ko.zst", ".ko.gz"].some((ext) => existsSync(`/lib/modules/${version}/kernel/${module}${ext}`));
}

async function buildInitramfs(kernelVersion: string, target: string, log: (line: string) => void): Promise<void> {
  const work = join(labCacheDir(), `initramfs-tools-${process.pid}`);
  await rm(work, { recursive: true, force: true });
  await cp("/etc/initramfs-tools", work, { recursive: true });
  const modulesFile = join(work, "modules");
  const current = await readFile(modulesFile, "utf8").catch(() => "");
  await writeFile(modulesFile, `${current}\n${INITRAMFS_EXTRA_MODULES.join("\n")}\n`);
  log(`mkinitramfs for ${kernelVersion} (about 15 s)`);
  const partial = `${target}.partial`;
  try {
    await run("mkinitramfs", ["-d", work, "-o", partial, kernelVersion], { maxBuffer: 64 * 1024 * 1024 });
    await rename(partial, target);
  } finally {
    await rm(work, { recursive: true, force: true });
    await rm(partial, { force: true });
  }
}

/**
 * Makes this machine able to boot the lab VM: installs missing Debian packages, builds (once) an initramfs that
 * can mount the host root over 9p, and returns the kernel and initramfs to boot. Safe to run repeatedly.
 */
export async function ensureLabHost(log: (line: string) => void = () => {}): Promise<LabHost> {
  const missing = await missingPackages();
  if (missing.length > 0) await installPackages(missing, log);
  const { kernel, kernelVersion } = await findKernel();
  await mkdir(labCacheDir(), { recursive: true });
  const initrd = join(labCacheDir(), `initrd-9p-${kernelVersion}.img`);
  if (!existsSync(initrd)) await buildInitramfs(kernelVersion, initrd, log);
  return { kernel, initrd, kernelVersion };
}
