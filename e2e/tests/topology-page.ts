import { expect, type Page } from "@playwright/test";

/**
 * Reading the topology page as a user sees it: the summary line, the side panels and the site names drawn over the
 * canvas (each name carries its site's centre in data-x/data-y). No window probe: production builds have none.
 */

export interface Label {
  id: string;
  text: string;
  /** the named site's centre, canvas pixels */
  x: number;
  y: number;
  box: { x: number; y: number; width: number; height: number };
}

export async function labels(page: Page): Promise<Label[]> {
  // one read of the whole layer: names are re-placed after every frame, so element handles go stale quickly
  return page.getByTestId("topology-labels").evaluate((layer) =>
    Array.from(layer.querySelectorAll<HTMLElement>("[data-testid=topology-label]")).map((el) => {
      const r = el.getBoundingClientRect();
      return {
        id: el.dataset.node ?? "",
        text: el.textContent ?? "",
        x: Number(el.dataset.x),
        y: Number(el.dataset.y),
        box: { x: r.x, y: r.y, width: r.width, height: r.height },
      };
    }),
  );
}

export function overlapping(ls: Label[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < ls.length; i++)
    for (let j = i + 1; j < ls.length; j++) {
      const a = (ls[i] as Label).box;
      const b = (ls[j] as Label).box;
      // a pixel of anti-aliasing tolerance
      if (a.x + a.width - 1 > b.x && b.x + b.width - 1 > a.x && a.y + a.height - 1 > b.y && b.y + b.height - 1 > a.y)
        out.push([(ls[i] as Label).text, (ls[j] as Label).text]);
    }
  return out;
}

/** The summary line's figures for what the filters keep. */
export async function summary(page: Page) {
  const text = (await page.getByTestId("topology-summary").textContent()) ?? "";
  const m = text.match(/(\d+) sites \((\d+) hubs, (\d+) spokes\) · (\d+) links \((\d+)\s+up\) · (\d+) shortcuts/);
  if (!m) return null;
  const [sites = 0, hubs = 0, spokes = 0, links = 0, linksUp = 0, shortcuts = 0] = m.slice(1).map(Number);
  return { sites, hubs, spokes, links, linksUp, shortcuts };
}

export async function chooseNetwork(page: Page, label: string | RegExp) {
  const select = page.getByLabel("Network", { exact: true });
  const matches = (o: string) => (typeof label === "string" ? o === label : label.test(o));
  // the options come with the graph, which can arrive after the page says "live"
  let options: string[] = [];
  await expect
    .poll(
      async () => {
        options = await select.locator("option").allTextContents();
        return options.some(matches);
      },
      { message: `a network option ${label}`, timeout: 15_000 },
    )
    .toBe(true);
  await select.selectOption({ label: options.find(matches)! });
}

/**
 * Clicks the site itself, where its name says it is drawn, once the view has come to rest: choosing a network
 * re-frames it with an animation, and a position read during it once sent the click beside the site (CI).
 */
export async function clickSite(page: Page, name: string) {
  const canvas = page.getByTestId("topology-canvas");
  const label = page.getByTestId("topology-label").filter({ hasText: new RegExp(`^${name}$`) });
  await expect(label).toHaveCount(1);
  const position = async () => ({
    x: Number(await label.getAttribute("data-x")),
    y: Number(await label.getAttribute("data-y")),
  });
  let at = await position();
  await expect
    .poll(
      async () => {
        const before = at;
        await page.waitForTimeout(300);
        at = await position();
        return before.x === at.x && before.y === at.y;
      },
      { message: `${name}'s place on the canvas to settle`, timeout: 10_000 },
    )
    .toBe(true);
  await canvas.click({ position: at });
}
