"use client";

import { ASN_PLANS, NETWORK_DEFAULTS, type NetworkInput, ROUTING_PROTOCOLS } from "@dmvpn/inventory";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { BgpSummaryFields, splitSummaryLines } from "./bgp-summary-fields";
import { errorFor, fieldErrors } from "./field-errors";
import { text, unplacedErrors } from "./form-helpers";
import { useSessionUser } from "./session";
import { Button, Card, ErrorBanner, Field, Input, Select, Textarea } from "./ui";

/** The form's state: every control holds text (or a flag) and the server coerces and validates. */
export interface NetworkFormValues {
  name: string;
  description: string;
  tunnelPrefix: string;
  greKey: string;
  nhrpNetworkId: string;
  nhrpHoldtime: string;
  nhrpAuth: string;
  phase: string;
  ipsecEnabled: boolean;
  ikeProposal: string;
  espProposal: string;
  ipsecPsk: string;
  routing: string;
  asnPlan: string;
  bgpAsn: string;
  asnRangeStart: string;
  asnRangeEnd: string;
  tunnelMtu: string;
  tcpMss: string;
  bgpKeepalive: string;
  bgpHoldtime: string;
  bfd: boolean;
  bgpSummaryMode: string;
  /** one prefix per line */
  bgpSummaries: string;
  /** a stored network has an NHRP key (never sent to the browser; a blank field keeps it) */
  nhrpAuthSet: boolean;
  /** remove the stored NHRP key on save */
  nhrpAuthClear: boolean;
}

const FIELDS: Exclude<keyof NetworkFormValues, "nhrpAuthSet" | "nhrpAuthClear">[] = [
  "name",
  "description",
  "tunnelPrefix",
  "greKey",
  "nhrpNetworkId",
  "nhrpHoldtime",
  "nhrpAuth",
  "phase",
  "ipsecEnabled",
  "ikeProposal",
  "espProposal",
  "ipsecPsk",
  "routing",
  "asnPlan",
  "bgpAsn",
  "asnRangeStart",
  "asnRangeEnd",
  "tunnelMtu",
  "tcpMss",
  "bgpKeepalive",
  "bgpHoldtime",
  "bfd",
  "bgpSummaryMode",
  "bgpSummaries",
];

export function newNetworkValues(): NetworkFormValues {
  const d = NETWORK_DEFAULTS;
  return {
    name: "",
    description: "",
    tunnelPrefix: "",
    greKey: "",
    nhrpNetworkId: "",
    nhrpHoldtime: String(d.nhrpHoldtime),
    nhrpAuth: "",
    phase: String(d.phase),
    ipsecEnabled: d.ipsecEnabled,
    ikeProposal: d.ikeProposal,
    espProposal: d.espProposal,
    ipsecPsk: "",
    routing: d.routing,
    asnPlan: d.asnPlan,
    bgpAsn: String(d.bgpAsn),
    asnRangeStart: String(d.asnRangeStart),
    asnRangeEnd: String(d.asnRangeEnd),
    tunnelMtu: String(d.tunnelMtu),
    tcpMss: String(d.tcpMss),
    bgpKeepalive: String(d.bgpKeepalive),
    bgpHoldtime: String(d.bgpHoldtime),
    bfd: d.bfd,
    bgpSummaryMode: d.bgpSummaryMode,
    bgpSummaries: "",
    nhrpAuthSet: false,
    nhrpAuthClear: false,
  };
}

type StoredNetwork = {
  [K in Exclude<(typeof FIELDS)[number], "ipsecPsk" | "nhrpAuth" | "ipsecEnabled" | "bfd" | "bgpSummaries">]:
    | string
    | number
    | null;
} & { ipsecEnabled: boolean; bfd: boolean; nhrpAuthSet: boolean; bgpSummaries: string[] };

export function networkValues(n: StoredNetwork): NetworkFormValues {
  const values = newNetworkValues();
  for (const key of FIELDS) {
    if (key === "ipsecPsk" || key === "nhrpAuth") continue;
    if (key === "ipsecEnabled") values.ipsecEnabled = n.ipsecEnabled;
    else if (key === "bfd") values.bfd = n.bfd;
    else if (key === "bgpSummaries") values.bgpSummaries = n.bgpSummaries.join("\n");
    else values[key] = text(n[key]);
  }
  values.nhrpAuthSet = n.nhrpAuthSet;
  return values;
}

/** The NHRP key as sent: a typed key replaces it, "remove" clears it, a blank field leaves the stored one alone. */
function nhrpAuthPayload(v: NetworkFormValues) {
  const typed = v.nhrpAuth.trim();
  if (typed) return { nhrpAuth: typed };
  return v.nhrpAuthClear ? { nhrpAuth: null } : {};
}

/**
 * What the API receives: numbers stay text for the server to coerce. An emptied field is sent as "", which the
 * server reports as required (left out, it would silently fall back to the default).
 */
function payload(v: NetworkFormValues, summaries: string[]): NetworkInput {
  const num = (s: string) => s.trim();
  return {
    name: v.name.trim(),
    description: v.description,
    tunnelPrefix: v.tunnelPrefix.trim(),
    greKey: num(v.greKey),
    nhrpNetworkId: num(v.nhrpNetworkId),
    nhrpHoldtime: num(v.nhrpHoldtime),
    ...nhrpAuthPayload(v),
    phase: Number(v.phase),
    ipsecEnabled: v.ipsecEnabled,
    ikeProposal: v.ikeProposal.trim(),
    espProposal: v.espProposal.trim(),
    ...(v.ipsecPsk ? { ipsecPsk: v.ipsecPsk } : {}),
    // The selects offer only ROUTING_PROTOCOLS / ASN_PLANS; the server's schema checks them again.
    routing: v.routing as NetworkInput["routing"],
    asnPlan: v.asnPlan as NetworkInput["asnPlan"],
    bgpAsn: num(v.bgpAsn),
    asnRangeStart: num(v.asnRangeStart),
    asnRangeEnd: num(v.asnRangeEnd),
    tunnelMtu: num(v.tunnelMtu),
    tcpMss: num(v.tcpMss),
    bgpKeepalive: num(v.bgpKeepalive),
    bgpHoldtime: num(v.bgpHoldtime),
    bfd: v.bfd,
    // Always sent, so a saved form keeps (or changes) exactly what it shows.
    bgpSummaryMode: v.bgpSummaryMode as NetworkInput["bgpSummaryMode"],
    bgpSummaries: summaries,
  };
}

export function NetworkForm({
  networkId,
  initial,
  summariesInEffect,
  readOnly,
}: {
  /** absent for a new network */
  networkId?: string;
  /** absent for a new network: the defaults */
  initial?: NetworkFormValues;
  /** what the hubs announce with the stored settings */
  summariesInEffect?: string[];
  readOnly?: boolean;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [values, setValues] = useState(() => initial ?? newNetworkValues());
  const [saved, setSaved] = useState(false);
  const [summaryLines, setSummaryLines] = useState<number[]>([]);
  const create = useMutation(trpc.networks.create.mutationOptions());
  const update = useMutation(trpc.networks.update.mutationOptions());
  const mutation = networkId ? update : create;
  const { byField, general } = fieldErrors(mutation.error);
  const err = (field: keyof NetworkFormValues) => errorFor(byField, field);
  const unplaced = unplacedErrors(byField, FIELDS);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setSaved(false);
    const { prefixes, lines } = splitSummaryLines(values.bgpSummaries);
    setSummaryLines(lines);
    const data = payload(values, prefixes);
    if (networkId) {
      await update.mutateAsync({ id: networkId, network: data });
      setSaved(true);
    } else {
      const created = await create.mutateAsync(data);
      router.push(`/networks/${created.id}`);
    }
    await queryClient.invalidateQueries({ queryKey: trpc.networks.pathKey() });
    router.refresh();
  }

  const set =
    (key: keyof NetworkFormValues) =>
    (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => {
      setSaved(false);
      setValues((v) => ({ ...v, [key]: e.target.value }));
    };
  const input = (key: keyof NetworkFormValues, props: React.InputHTMLAttributes<HTMLInputElement> = {}) => (
    <Input
      id={key}
      name={key}
      value={String(values[key])}
      onChange={set(key)}
      invalid={Boolean(err(key))}
      disabled={readOnly}
      {...props}
    />
  );

  return (
    <form onSubmit={(e) => void submit(e).catch(() => {})} className="space-y-4" noValidate>
      <ErrorBanner message={general ?? unplaced} />
      <Card title="General">
        <div className="grid gap-3 md:grid-cols-3">
          <Field label="Name" htmlFor="name" error={err("name")} hint="Letters, digits, '.', '_' and '-'.">
            {input("name", { autoComplete: "off", required: true })}
          </Field>
          <div className="md:col-span-2">
            <Field label="Description" htmlFor="description" error={err("description")}>
              <Textarea
                id="description"
                name="description"
                rows={1}
                className="font-sans"
                value={values.description}
                onChange={set("description")}
                invalid={Boolean(err("description"))}
                disabled={readOnly}
              />
            </Field>
          </div>
        </div>
      </Card>

      <Card title="Tunnel and NHRP">
        <div className="grid gap-3 md:grid-cols-4">
          <Field
            label="Tunnel prefix"
            htmlFor="tunnelPrefix"
            error={err("tunnelPrefix")}
            hint="Hubs get the lowest addresses."
          >
            {input("tunnelPrefix", { placeholder: "10.255.0.0/24", className: "font-mono" })}
          </Field>
          <Field label="GRE key" htmlFor="greKey" error={err("greKey")}>
            {input("greKey", { inputMode: "numeric", placeholder: "e.g. 100", className: "font-mono" })}
          </Field>
          <Field label="NHRP network ID" htmlFor="nhrpNetworkId" error={err("nhrpNetworkId")}>
            {input("nhrpNetworkId", { inputMode: "numeric", placeholder: "e.g. 100", className: "font-mono" })}
          </Field>
          <Field label="Phase" htmlFor="phase" error={err("phase")} hint="3: spokes redirect and shortcut.">
            <Select id="phase" name="phase" value={values.phase} onChange={set("phase")} disabled={readOnly}>
              <option value="2">2</option>
              <option value="3">3</option>
            </Select>
          </Field>
          <Field label="NHRP holdtime (s)" htmlFor="nhrpHoldtime" error={err("nhrpHoldtime")}>
            {input("nhrpHoldtime", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <Field
            label="NHRP authentication"
            htmlFor="nhrpAuth"
            error={err("nhrpAuth")}
            hint={
              values.nhrpAuthSet
                ? "A key is stored; leave blank to keep it, or type a new one."
                : "Optional, at most 8 characters, sent in clear."
            }
          >
            {input("nhrpAuth", {
              autoComplete: "off",
              spellCheck: false,
              className: "font-mono",
              placeholder: values.nhrpAuthSet && !values.nhrpAuthClear ? "••••••••" : undefined,
              disabled: readOnly || values.nhrpAuthClear,
            })}
          </Field>
          {values.nhrpAuthSet && !readOnly ? (
            <div className="flex items-end pb-2">
              <label className="flex items-center gap-2 text-xs text-zinc-600 dark:text-zinc-400">
                <input
                  id="nhrpAuthClear"
                  name="nhrpAuthClear"
                  type="checkbox"
                  className="size-4 accent-sky-700"
                  checked={values.nhrpAuthClear}
                  onChange={(e) => {
                    const checked = e.target.checked;
                    setSaved(false);
                    setValues((v) => ({ ...v, nhrpAuthClear: checked, nhrpAuth: checked ? "" : v.nhrpAuth }));
                  }}
                />
                Remove the NHRP key
              </label>
            </div>
          ) : null}
          <Field label="Tunnel MTU" htmlFor="tunnelMtu" error={err("tunnelMtu")}>
            {input("tunnelMtu", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <Field label="TCP MSS" htmlFor="tcpMss" error={err("tcpMss")} hint="At most the MTU − 40.">
            {input("tcpMss", { inputMode: "numeric", className: "font-mono" })}
          </Field>
        </div>
      </Card>

      <Card title="Encryption">
        <div className="grid gap-3 md:grid-cols-4">
          <div className="space-y-1">
            <label htmlFor="ipsecEnabled" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
              IPsec
            </label>
            <div className="flex h-[30px] items-center gap-2">
              <input
                id="ipsecEnabled"
                name="ipsecEnabled"
                type="checkbox"
                className="size-4 accent-sky-700"
                checked={values.ipsecEnabled}
                onChange={(e) => {
                  const checked = e.target.checked;
                  setValues((v) => ({ ...v, ipsecEnabled: checked }));
                }}
                disabled={readOnly}
                aria-describedby="ipsecEnabled-hint"
              />
              <span id="ipsecEnabled-hint" className="text-xs text-zinc-500">
                Encrypt tunnels (IKEv2)
              </span>
            </div>
            {err("ipsecEnabled") ? (
              <p className="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="ipsecEnabled">
                {err("ipsecEnabled")}
              </p>
            ) : null}
          </div>
          <Field label="IKE proposal" htmlFor="ikeProposal" error={err("ikeProposal")}>
            {input("ikeProposal", { className: "font-mono" })}
          </Field>
          <Field label="ESP proposal" htmlFor="espProposal" error={err("espProposal")}>
            {input("espProposal", { className: "font-mono" })}
          </Field>
          {networkId ? (
            <PskReveal networkId={networkId} />
          ) : (
            <Field
              label="Pre-shared key"
              htmlFor="ipsecPsk"
              error={err("ipsecPsk")}
              hint="Leave empty to generate a strong key."
            >
              {input("ipsecPsk", { autoComplete: "off", spellCheck: false, className: "font-mono" })}
            </Field>
          )}
        </div>
      </Card>

      <Card title="Routing and ASNs">
        <div className="grid gap-3 md:grid-cols-5">
          <Field label="Routing" htmlFor="routing" error={err("routing")}>
            <Select id="routing" name="routing" value={values.routing} onChange={set("routing")} disabled={readOnly}>
              {ROUTING_PROTOCOLS.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          </Field>
          <Field
            label="ASN plan"
            htmlFor="asnPlan"
            error={err("asnPlan")}
            hint={values.asnPlan === "single" ? "One AS; hubs reflect routes." : "Each spoke its own AS (eBGP)."}
          >
            <Select id="asnPlan" name="asnPlan" value={values.asnPlan} onChange={set("asnPlan")} disabled={readOnly}>
              {ASN_PLANS.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </Select>
          </Field>
          <Field label="BGP ASN" htmlFor="bgpAsn" error={err("bgpAsn")}>
            {input("bgpAsn", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <Field
            label="ASN range start"
            htmlFor="asnRangeStart"
            error={err("asnRangeStart")}
            hint={values.asnPlan === "per-spoke" ? "Spoke ASNs are allocated from here." : undefined}
          >
            {input("asnRangeStart", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <Field label="ASN range end" htmlFor="asnRangeEnd" error={err("asnRangeEnd")}>
            {input("asnRangeEnd", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <BgpSummaryFields
            mode={values.bgpSummaryMode}
            summaries={values.bgpSummaries}
            inEffect={summariesInEffect}
            byField={byField}
            submittedLines={summaryLines}
            applies={values.routing === "bgp" && values.phase === "3"}
            readOnly={readOnly}
            onChange={(field, value) => {
              setSaved(false);
              setValues((v) => ({ ...v, [field]: value }));
            }}
          />
        </div>
      </Card>

      <Card title="Failover">
        <div className="grid gap-3 md:grid-cols-4">
          <Field label="BGP keepalive (s)" htmlFor="bgpKeepalive" error={err("bgpKeepalive")}>
            {input("bgpKeepalive", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <Field
            label="BGP hold time (s)"
            htmlFor="bgpHoldtime"
            error={err("bgpHoldtime")}
            hint="0, or at least 3 × keepalive. A dead hub is noticed after this long."
          >
            {input("bgpHoldtime", { inputMode: "numeric", className: "font-mono" })}
          </Field>
          <div className="space-y-1">
            <label htmlFor="bfd" className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
              BFD
            </label>
            <div className="flex h-[30px] items-center gap-2">
              <input
                id="bfd"
                name="bfd"
                type="checkbox"
                className="size-4 accent-sky-700"
                checked={values.bfd}
                onChange={(e) => {
                  const checked = e.target.checked;
                  setValues((v) => ({ ...v, bfd: checked }));
                }}
                disabled={readOnly}
                aria-describedby="bfd-hint"
              />
              <span id="bfd-hint" className="text-xs text-zinc-500">
                Sub-second failure detection (FRR and VyOS sites only)
              </span>
            </div>
            {err("bfd") ? (
              <p className="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error="bfd">
                {err("bfd")}
              </p>
            ) : null}
          </div>
        </div>
      </Card>

      {readOnly ? null : (
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={mutation.isPending}>
            {networkId ? "Save changes" : "Create network"}
          </Button>
          {saved ? (
            <span className="text-xs text-emerald-700 dark:text-emerald-400" role="status">
              Saved.
            </span>
          ) : null}
        </div>
      )}
    </form>
  );
}

/** The stored keys stay on the server until an admin asks for them (and that request is audited). */
function PskReveal({ networkId }: { networkId: string }) {
  const trpc = useTRPC();
  const { isAdmin } = useSessionUser();
  const reveal = useMutation(trpc.networks.revealPsk.mutationOptions());
  return (
    <div className="space-y-1">
      <span className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">Pre-shared key</span>
      {reveal.data ? (
        <div className="flex items-center gap-2">
          <code
            className="min-w-0 flex-1 truncate rounded border border-zinc-300 bg-zinc-50 px-2 py-1.5 font-mono text-[12px] select-all dark:border-zinc-700 dark:bg-zinc-950"
            data-testid="revealed-psk"
            title={reveal.data.ipsecPsk}
          >
            {reveal.data.ipsecPsk}
          </code>
          {reveal.data.nhrpAuth ? (
            <code className="font-mono text-[12px] select-all" data-testid="revealed-nhrp-auth" title="NHRP key">
              NHRP: {reveal.data.nhrpAuth}
            </code>
          ) : null}
          <Button variant="ghost" onClick={() => reveal.reset()}>
            Hide
          </Button>
        </div>
      ) : (
        <div className="flex items-center gap-2">
          <span className="font-mono text-zinc-500">••••••••••••</span>
          {isAdmin ? (
            <Button
              variant="secondary"
              onClick={() => reveal.mutate({ id: networkId })}
              disabled={reveal.isPending}
              title="Admins only; the reveal is recorded in the audit log"
            >
              Reveal keys
            </Button>
          ) : (
            <span className="text-xs text-zinc-500">stored; admins can reveal it</span>
          )}
        </div>
      )}
      {reveal.error ? <p className="text-xs text-red-600 dark:text-red-400">{reveal.error.message}</p> : null}
    </div>
  );
}
