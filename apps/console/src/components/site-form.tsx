"use client";

import { PLATFORM_LABELS, PLATFORMS, SITE_ROLES, type SiteInput } from "@dmvpn/inventory";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { text, unplacedErrors } from "./form-helpers";
import { Button, Card, ErrorBanner, Field, Input, Select, Textarea } from "./ui";

export interface SiteFormValues {
  networkId: string;
  name: string;
  role: string;
  platform: string;
  wanInterface: string;
  publicAddress: string;
  behindNat: boolean;
  /** one prefix per line */
  lanPrefixes: string;
  tunnelAddress: string;
  asn: string;
  latitude: string;
  longitude: string;
  address: string;
  /** separated by commas or spaces */
  tags: string;
  notes: string;
}

const FIELDS = [
  "networkId",
  "network",
  "name",
  "role",
  "platform",
  "wanInterface",
  "publicAddress",
  "behindNat",
  "lanPrefixes",
  "tunnelAddress",
  "asn",
  "latitude",
  "longitude",
  "address",
  "tags",
  "notes",
] as const;

export function newSiteValues(networkId = ""): SiteFormValues {
  return {
    networkId,
    name: "",
    role: "spoke",
    platform: "vyos-1.5",
    wanInterface: "eth0",
    publicAddress: "",
    behindNat: false,
    lanPrefixes: "",
    tunnelAddress: "",
    asn: "",
    latitude: "",
    longitude: "",
    address: "",
    tags: "",
    notes: "",
  };
}

export function siteValues(s: {
  networkId: string;
  name: string;
  role: string;
  platform: string;
  wanInterface: string;
  publicAddress: string | null;
  behindNat: boolean;
  lanPrefixes: string[];
  tunnelAddress: string;
  asn: number | null;
  latitude: number | null;
  longitude: number | null;
  address: string | null;
  tags: string[];
  notes: string;
}): SiteFormValues {
  return {
    networkId: s.networkId,
    name: s.name,
    role: s.role,
    platform: s.platform,
    wanInterface: s.wanInterface,
    publicAddress: text(s.publicAddress),
    behindNat: s.behindNat,
    lanPrefixes: s.lanPrefixes.join("\n"),
    tunnelAddress: s.tunnelAddress,
    asn: text(s.asn),
    latitude: text(s.latitude),
    longitude: text(s.longitude),
    address: text(s.address),
    tags: s.tags.join(", "),
    notes: s.notes,
  };
}

/** LAN prefixes as the API wants them, with the textarea line of each so errors can name the line. */
function splitPrefixes(textValue: string) {
  const prefixes: string[] = [];
  const lines: number[] = [];
  textValue.split("\n").forEach((line, i) => {
    const value = line.trim();
    if (value) {
      prefixes.push(value);
      lines.push(i + 1);
    }
  });
  return { prefixes, lines };
}

function payload(v: SiteFormValues, prefixes: string[]): SiteInput {
  const optional = (s: string) => (s.trim() === "" ? undefined : s.trim());
  return {
    name: v.name.trim(),
    // The selects offer only SITE_ROLES / PLATFORMS; the server's schema checks them again.
    role: v.role as SiteInput["role"],
    platform: v.platform as SiteInput["platform"],
    wanInterface: v.wanInterface.trim(),
    publicAddress: optional(v.publicAddress),
    behindNat: v.behindNat,
    lanPrefixes: prefixes,
    tunnelAddress: optional(v.tunnelAddress),
    asn: optional(v.asn),
    latitude: optional(v.latitude),
    longitude: optional(v.longitude),
    address: optional(v.address),
    tags: v.tags
      .split(/[\s,;]+/)
      .map((t) => t.trim())
      .filter(Boolean),
    notes: v.notes,
  };
}

/** `initial` for an edit; a new site starts from defaults, in `networkId` when given. */
export function SiteForm({
  siteId,
  initial,
  networkId: initialNetworkId,
}: {
  siteId?: string;
  initial?: SiteFormValues;
  networkId?: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const networks = useQuery(trpc.networks.list.queryOptions());
  const [values, setValues] = useState(() => initial ?? newSiteValues(initialNetworkId));
  const [submittedLines, setSubmittedLines] = useState<number[]>([]);
  const create = useMutation(trpc.sites.create.mutationOptions());
  const update = useMutation(trpc.sites.update.mutationOptions());
  const mutation = siteId ? update : create;
  const { byField, general } = fieldErrors(mutation.error);
  const err = (field: (typeof FIELDS)[number]) => errorFor(byField, field);
  const unplaced = unplacedErrors(byField, FIELDS);

  // With a single network there is nothing to choose.
  const networkId = values.networkId || (networks.data?.length === 1 ? networks.data[0]?.id : "") || "";
  const network = networks.data?.find((n) => n.id === networkId);

  // Errors on lanPrefixes.N name the textarea line the prefix came from (empty lines are skipped).
  const prefixErrors = Object.entries(byField)
    .filter(([key]) => key === "lanPrefixes" || key.startsWith("lanPrefixes."))
    .map(([key, message]) => {
      const index = Number(key.split(".")[1]);
      const line = Number.isInteger(index) ? submittedLines[index] : undefined;
      return line ? `line ${line}: ${message}` : message;
    });

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const { prefixes, lines } = splitPrefixes(values.lanPrefixes);
    setSubmittedLines(lines);
    const site = payload(values, prefixes);
    const saved = siteId
      ? await update.mutateAsync({ id: siteId, networkId, site })
      : await create.mutateAsync({ networkId, site });
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.sites.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.networks.pathKey() }),
    ]);
    router.push(`/sites/${saved.id}`);
  }

  const set =
    (key: keyof SiteFormValues) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setValues((v) => ({ ...v, [key]: e.target.value }));
  const input = (key: keyof SiteFormValues, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <Input
      id={key}
      name={key}
      value={String(values[key])}
      onChange={set(key)}
      invalid={Boolean(err(key as (typeof FIELDS)[number]))}
      {...props}
    />
  );
  const isHub = values.role === "hub";

  return (
    <form onSubmit={(e) => void submit(e).catch(() => {})} className="space-y-4" noValidate>
      <ErrorBanner message={general ?? unplaced} />
      <Card title="Site">
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Network" htmlFor="networkId" error={err("networkId") ?? err("network")}>
            <Select
              id="networkId"
              name="networkId"
              value={networkId}
              onChange={set("networkId")}
              required
              invalid={Boolean(err("networkId") ?? err("network"))}
            >
              <option value="" disabled>
                {networks.isLoading ? "Loading…" : "Choose a network"}
              </option>
              {networks.data?.map((n) => (
                <option key={n.id} value={n.id}>
                  {n.name}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Name" htmlFor="name" error={err("name")} hint="Unique across all networks.">
            {input("name", { autoComplete: "off", required: true })}
          </Field>
          <Field label="Role" htmlFor="role" error={err("role")}>
            <Select id="role" name="role" value={values.role} onChange={set("role")}>
              {SITE_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="Platform" htmlFor="platform" error={err("platform")}>
            <Select id="platform" name="platform" value={values.platform} onChange={set("platform")}>
              {PLATFORMS.map((p) => (
                <option key={p} value={p}>
                  {PLATFORM_LABELS[p]} ({p})
                </option>
              ))}
            </Select>
          </Field>
        </div>
      </Card>

      <Card title="Addressing">
        <div className="grid gap-3 md:grid-cols-4">
          <Field
            label="WAN interface"
            htmlFor="wanInterface"
            error={err("wanInterface")}
            hint="e.g. eth0 or GigabitEthernet0/1"
          >
            {input("wanInterface", { className: "font-mono", autoComplete: "off" })}
          </Field>
          <Field
            label="Public address"
            htmlFor="publicAddress"
            error={err("publicAddress")}
            hint={isHub ? "Required: spokes register with it." : "Empty = dynamic (DHCP, PPPoE, LTE)."}
          >
            {input("publicAddress", {
              className: "font-mono",
              placeholder: isHub ? "203.0.113.10" : "dynamic",
            })}
          </Field>
          <div className="space-y-1">
            <label htmlFor="behindNat" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
              Behind NAT
            </label>
            <div className="flex h-[30px] items-center gap-2">
              <input
                id="behindNat"
                name="behindNat"
                type="checkbox"
                className="size-4 accent-sky-700"
                checked={values.behindNat}
                onChange={(e) => {
                  const checked = e.target.checked;
                  setValues((v) => ({ ...v, behindNat: checked }));
                }}
                aria-describedby="behindNat-hint"
              />
              <span id="behindNat-hint" className="text-xs text-zinc-500">
                {isHub ? "Hubs cannot be behind NAT" : "IPsec uses NAT-T"}
              </span>
            </div>
            {err("behindNat") ? (
              <p className="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="behindNat">
                {err("behindNat")}
              </p>
            ) : null}
          </div>
          <div />
          <Field
            label="Tunnel address"
            htmlFor="tunnelAddress"
            error={err("tunnelAddress")}
            hint={`Empty = allocated automatically${network ? ` from ${network.tunnelPrefix}` : ""}.`}
          >
            {input("tunnelAddress", { className: "font-mono", placeholder: "allocated automatically" })}
          </Field>
          <Field label="ASN" htmlFor="asn" error={err("asn")} hint="Empty = per the network's ASN plan.">
            {input("asn", { className: "font-mono", inputMode: "numeric", placeholder: "per plan" })}
          </Field>
          <div className="md:col-span-2">
            <div className="space-y-1">
              <label htmlFor="lanPrefixes" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
                LAN prefixes
              </label>
              <Textarea
                id="lanPrefixes"
                name="lanPrefixes"
                rows={4}
                value={values.lanPrefixes}
                onChange={set("lanPrefixes")}
                invalid={prefixErrors.length > 0}
                placeholder={"192.168.10.0/24\n192.168.11.0/24"}
                spellCheck={false}
              />
              {prefixErrors.length ? (
                <ul
                  className="space-y-0.5 text-xs text-red-600 dark:text-red-400"
                  role="alert"
                  data-field-error="lanPrefixes"
                >
                  {prefixErrors.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              ) : (
                <p className="text-xs text-zinc-500">One prefix per line; announced over the tunnel.</p>
              )}
            </div>
          </div>
        </div>
      </Card>

      <Card title="Location and notes">
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="Latitude" htmlFor="latitude" error={err("latitude")}>
            {input("latitude", { inputMode: "decimal", placeholder: "52.5200", className: "font-mono" })}
          </Field>
          <Field label="Longitude" htmlFor="longitude" error={err("longitude")}>
            {input("longitude", { inputMode: "decimal", placeholder: "13.4050", className: "font-mono" })}
          </Field>
          <div className="md:col-span-2">
            <Field label="Address" htmlFor="address" error={err("address")}>
              {input("address", { placeholder: "Street, city" })}
            </Field>
          </div>
          <div className="md:col-span-2">
            <Field
              label="Tags"
              htmlFor="tags"
              error={err("tags")}
              hint="Separated by commas or spaces, e.g. region:eu, lte"
            >
              {input("tags", { autoComplete: "off" })}
            </Field>
          </div>
          <div className="md:col-span-2">
            <Field label="Notes" htmlFor="notes" error={err("notes")}>
              <Textarea
                id="notes"
                name="notes"
                rows={2}
                className="font-sans"
                value={values.notes}
                onChange={set("notes")}
                invalid={Boolean(err("notes"))}
              />
            </Field>
          </div>
        </div>
      </Card>

      <div className="flex items-center gap-3">
        <Button type="submit" disabled={mutation.isPending}>
          {siteId ? "Save changes" : "Create site"}
        </Button>
        <Button variant="ghost" onClick={() => router.back()}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
