// briefing theme: the search page. Loads the Pagefind index that the build wrote under
// pagefind/, searches as you type, and keeps the query and filters in the address so a
// search can be bookmarked or shared. Results are built as DOM nodes, never as HTML
// strings: excerpts keep only Pagefind's <mark> highlights.
//
// The index comes in shards (one Pagefind bundle each, so that an edit re-indexes only
// its own): pagefind/ holds the first, and its shards.json names the others, which are
// merged into it. Pagefind then searches them all at once: results are sorted by score
// together, filter counts are summed.
"use strict";

const PAGE_SIZE = 20;
const FILTERS = ["outlet", "author", "year", "topic"];

const root = document.getElementById("search");
const form = root.querySelector("form");
const input = document.getElementById("search-query");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const filterBox = root.querySelector(".search-filters");

let pagefind = null;
let latest = 0;

function selects() {
  return FILTERS.map((name) => root.querySelector(`select[data-filter="${name}"]`));
}

function chosenFilters() {
  const chosen = {};
  for (const select of selects()) {
    if (select.value) {
      chosen[select.dataset.filter] = select.value;
    }
  }
  return chosen;
}

function fillSelect(select, counts) {
  const values = Object.keys(counts);
  values.sort((a, b) => (select.dataset.filter === "year" ? b.localeCompare(a) : a.localeCompare(b)));
  for (const value of values) {
    const option = document.createElement("option");
    option.value = value;
    option.textContent = `${value} (${counts[value]})`;
    select.append(option);
  }
  select.closest(".filter").hidden = values.length === 0;
}

function readAddress() {
  const params = new URLSearchParams(window.location.search);
  input.value = params.get("q") || "";
  for (const select of selects()) {
    const wanted = params.get(select.dataset.filter);
    if (wanted && [...select.options].some((o) => o.value === wanted)) {
      select.value = wanted;
    }
  }
}

function writeAddress(query, filters) {
  const params = new URLSearchParams();
  if (query) {
    params.set("q", query);
  }
  for (const [name, value] of Object.entries(filters)) {
    params.set(name, value);
  }
  const search = params.toString();
  const address = window.location.pathname + (search ? `?${search}` : "");
  window.history.replaceState(null, "", address);
}

// Copy Pagefind's excerpt as text, keeping only its <mark> elements.
function excerptNode(html) {
  const paragraph = document.createElement("p");
  paragraph.className = "excerpt";
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  for (const node of parsed.body.firstChild.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(document.createTextNode(node.textContent));
    }
  }
  return paragraph;
}

function resultNode(data) {
  const item = document.createElement("li");
  item.className = "item result";
  const heading = document.createElement("h2");
  heading.className = "item-heading";
  const link = document.createElement("a");
  link.className = "item-title";
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "byline";
  const parts = [data.meta.kind, data.meta.outlet, data.meta.date].filter(Boolean);
  meta.textContent = parts.join(" · ");
  item.append(heading, meta, excerptNode(data.excerpt || ""));
  if (data.meta.topic && data.meta.topic_url) {
    const topic = document.createElement("p");
    topic.className = "in-topic";
    const topicLink = document.createElement("a");
    topicLink.href = data.meta.topic_url;
    topicLink.textContent = data.meta.topic;
    topic.append("Topic: ", topicLink);
    item.append(topic);
  }
  return item;
}

function say(text) {
  status.textContent = text;
}

// Append results [start, start + PAGE_SIZE) and a "More results" button if any remain.
function showPage(results, datas, start) {
  for (const data of datas) {
    list.append(resultNode(data));
  }
  root.querySelector(".more-results")?.remove();
  const next = start + PAGE_SIZE;
  if (next < results.length) {
    const more = document.createElement("button");
    more.type = "button";
    more.className = "more-results";
    more.textContent = "More results";
    more.addEventListener("click", async () => {
      more.disabled = true;
      const page = results.slice(next, next + PAGE_SIZE);
      showPage(results, await Promise.all(page.map((r) => r.data())), next);
    });
    list.after(more);
  }
}

async function run() {
  const ticket = ++latest;
  const query = input.value.trim();
  const filters = chosenFilters();
  writeAddress(query, filters);
  if (!query && Object.keys(filters).length === 0) {
    list.replaceChildren();
    root.querySelector(".more-results")?.remove();
    say("");
    return;
  }
  const found = await pagefind.search(query || null, { filters });
  const datas = await Promise.all((found?.results || []).slice(0, PAGE_SIZE).map((r) => r.data()));
  if (ticket !== latest || found === null) {
    return; // a newer search has started; its results win
  }
  list.replaceChildren();
  showPage(found.results, datas, 0);
  const count = found.results.length;
  const what = query ? ` for “${query}”` : "";
  say(count === 0 ? `No results${what}.` : `${count} result${count === 1 ? "" : "s"}${what}.`);
}

async function start() {
  try {
    const bundle = new URL(root.dataset.bundle, window.location.href);
    const [module, shards] = await Promise.all([
      import(new URL("pagefind.js", bundle).href),
      fetch(new URL("shards.json", bundle)).then((response) => {
        if (!response.ok) {
          throw new Error(`shards.json: ${response.status}`);
        }
        return response.json();
      }),
    ]);
    pagefind = module;
    const options = { baseUrl: root.dataset.base, excerptLength: 30 };
    await pagefind.options(options);
    await pagefind.init();
    await Promise.all(shards.merge.map((path) => pagefind.mergeIndex(new URL(path, bundle).href, options)));
    // The build summed every shard's filter counts (what pagefind.filters() would give)
    // into shards.json: no shard's filter files are fetched before a search needs them.
    const counts = shards.filters;
    for (const select of selects()) {
      fillSelect(select, counts[select.dataset.filter] || {});
    }
  } catch (error) {
    say("Search is not available: the search index could not be loaded.");
    console.warn("search index not loaded", error);
    return;
  }
  filterBox.hidden = false;
  readAddress();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", run);
  for (const select of selects()) {
    select.addEventListener("change", run);
  }
  await run();
}

start();
