// A media file that plays (or downloads) wherever widgets run.
//
// First the URL that costs nothing: Jupyter's /files/ URL (found from the page's config and the
// file's absolute path), else the path relative to the page. When the browser cannot load that
// (an error event, or no metadata in time), the kernel sends the file through the widget's comm
// in chunks, one per request so that its memory stays flat, and the page plays a Blob URL.

const SERVED = "served by Jupyter";
const SENT = "sent through the notebook";
const NEXT_TO_PAGE = "served next to the page"; // a static page whose files lie beside it
// The kernel answers comm messages between cells: a long-running cell delays the next chunk.
const CHUNK_TIMEOUT_MS = 10 * 60 * 1000;
const TIME_UPDATE_MS = 200;

function pageConfig() {
  const node = document.getElementById("jupyter-config-data");
  if (!node) return null;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return null;
  }
}

// Jupyter's /files/ URL for one of the file's absolute paths ("/abs/..." or "~/..."), if the
// page is a Jupyter page whose server root holds the file.
function filesUrl(paths) {
  const config = pageConfig();
  if (!config || config.serverRoot === undefined || !config.baseUrl) return null;
  const root = String(config.serverRoot).replace(/\/+$/, "");
  for (const path of paths) {
    if (root === "" || path.startsWith(root + "/")) {
      const rest = path.slice(root.length).replace(/^\/+/, "");
      const base = config.baseUrl.endsWith("/") ? config.baseUrl : config.baseUrl + "/";
      return base + "files/" + rest.split("/").map(encodeURIComponent).join("/");
    }
  }
  return null;
}

// The URLs to try first, each with what the player will say it is.
function candidateUrls(model) {
  const urls = [];
  const served = filesUrl(model.get("paths") || []);
  if (served) urls.push({ url: served, mode: SERVED });
  const relative = model.get("src");
  if (relative) urls.push({ url: relative.split("/").map(encodeURIComponent).join("/"), mode: NEXT_TO_PAGE });
  return urls;
}

// Asks the kernel for the file chunk by chunk; resolves to a Blob.
function receive(model, signal) {
  const serial = model.get("serial");
  const request = Math.random().toString(36).slice(2);
  const parts = [];
  return new Promise((resolve, reject) => {
    let timer = null;
    const stop = (error, blob) => {
      clearTimeout(timer);
      model.off("msg:custom", onMessage);
      error ? reject(error) : resolve(blob);
    };
    const ask = (offset) => {
      clearTimeout(timer);
      timer = setTimeout(() => stop(new Error("the kernel did not answer")), CHUNK_TIMEOUT_MS);
      model.send({ type: "read", serial, offset, request });
    };
    const onMessage = (msg, buffers) => {
      if (!msg || msg.request !== request) return;
      if (msg.type === "error") return stop(new Error(msg.message));
      if (msg.type !== "chunk" || msg.serial !== serial) return;
      parts.push(buffers[0]);
      const received = msg.offset + buffers[0].byteLength;
      if (msg.last || received >= msg.size) {
        stop(null, new Blob(parts, { type: model.get("mime") || "application/octet-stream" }));
      } else {
        ask(received);
      }
    };
    signal.addEventListener("abort", () => stop(new Error("aborted")));
    model.on("msg:custom", onMessage);
    ask(0);
  });
}

// Resolves when the media element has its metadata, rejects on error or after the wait.
function loads(element, url, waitMs) {
  return new Promise((resolve, reject) => {
    const done = (ok) => {
      clearTimeout(timer);
      element.removeEventListener("loadedmetadata", onLoaded);
      element.removeEventListener("error", onError);
      ok ? resolve() : reject(new Error("cannot load " + url));
    };
    const onLoaded = () => done(true);
    const onError = () => done(false);
    const timer = setTimeout(() => done(false), waitMs);
    element.addEventListener("loadedmetadata", onLoaded);
    element.addEventListener("error", onError);
    element.src = url;
  });
}

// A URL serves the file when it answers with something other than a web page.
async function answers(url) {
  try {
    const response = await fetch(url, { method: "HEAD", credentials: "same-origin" });
    const type = response.headers.get("content-type") || "";
    return response.ok && !type.startsWith("text/html");
  } catch {
    return false;
  }
}

// Tells the kernel; a static page has none (its model has no comm, and saving throws there).
function save(model, name, value) {
  model.set(name, value);
  try {
    model.save_changes();
  } catch {
    /* no kernel to tell */
  }
}

function setMode(model, mode) {
  if (model.get("mode") !== mode) save(model, "mode", mode);
}

function renderPlayer(model, el, state) {
  const note = document.createElement("div");
  note.className = "mm-media-note";
  let element = null;
  let lastSent = 0;
  const sendTime = (force) => {
    const now = Date.now();
    if (!force && now - lastSent < TIME_UPDATE_MS) return;
    lastSent = now;
    save(model, "current_time", element.currentTime);
  };
  // A <video> or an <audio>, as the file's kind says (it may change with the file).
  const mediaElement = () => {
    const tag = model.get("kind") === "audio" ? "audio" : "video";
    if (element && element.tagName.toLowerCase() === tag) return element;
    const made = document.createElement(tag);
    made.className = "mm-media-element mm-" + tag;
    made.controls = true;
    made.preload = "metadata";
    made.setAttribute("playsinline", "");
    made.addEventListener("timeupdate", () => sendTime(false));
    made.addEventListener("seeked", () => sendTime(true));
    made.addEventListener("pause", () => sendTime(true));
    element ? element.replaceWith(made) : el.prepend(made);
    element = made;
    return made;
  };
  el.append(note);
  mediaElement();

  return async function load(signal) {
    note.textContent = "";
    element.removeAttribute("src");
    if (!model.get("name")) return;
    mediaElement();
    const waitMs = 1000 * (model.get("fallback_after_s") || 4);
    for (const { url, mode } of candidateUrls(model)) {
      try {
        await loads(element, url, waitMs);
        if (signal.aborted) return;
        return setMode(model, mode);
      } catch {
        if (signal.aborted) return;
      }
    }
    element.removeAttribute("src");
    element.load();
    note.textContent = "loading " + model.get("name") + " through the notebook (when the kernel is not busy)...";
    try {
      const blob = await receive(model, signal);
      if (signal.aborted) return;
      state.url = URL.createObjectURL(blob);
      element.src = state.url;
      note.textContent = "";
      setMode(model, SENT);
    } catch (error) {
      if (!signal.aborted) note.textContent = "Cannot play " + model.get("name") + ": " + error.message;
    }
  };
}

function renderDownload(model, el, state) {
  const link = document.createElement("a");
  link.className = "mm-download";
  el.append(link);
  let receiving = null;
  link.addEventListener("click", async (event) => {
    if (link.dataset.ready === "yes") return; // the browser downloads the href
    event.preventDefault();
    if (receiving) return;
    const label = link.textContent;
    link.textContent = "preparing " + model.get("name") + "...";
    receiving = new AbortController();
    try {
      const blob = await receive(model, receiving.signal);
      state.url = URL.createObjectURL(blob);
      link.href = state.url;
      link.dataset.ready = "yes";
      link.textContent = label;
      setMode(model, SENT);
      link.click();
    } catch (error) {
      link.textContent = "Cannot download " + model.get("name") + ": " + error.message;
    } finally {
      receiving = null;
    }
  });

  return async function load(signal) {
    delete link.dataset.ready;
    link.removeAttribute("href");
    link.download = model.get("name");
    link.textContent = model.get("label") || "Download " + model.get("name");
    if (!model.get("name")) return;
    for (const { url, mode } of candidateUrls(model)) {
      if (await answers(url)) {
        if (signal.aborted) return;
        link.href = url;
        link.dataset.ready = "yes";
        return setMode(model, mode);
      }
    }
    if (!signal.aborted) link.href = "#";
  };
}

function render({ model, el }) {
  el.classList.add("mm-media", "mm-media-" + model.get("role"));
  const state = { url: null };
  const release = () => {
    if (state.url) URL.revokeObjectURL(state.url);
    state.url = null;
  };
  const load = model.get("role") === "download" ? renderDownload(model, el, state) : renderPlayer(model, el, state);
  let controller = new AbortController();
  const reload = () => {
    controller.abort();
    controller = new AbortController();
    release();
    load(controller.signal);
  };
  const onMessage = (msg) => {
    if (msg && msg.type === "release") release();
  };
  model.on("msg:custom", onMessage);
  model.on("change:serial", reload);
  load(controller.signal);
  return () => {
    controller.abort();
    model.off("msg:custom", onMessage);
    model.off("change:serial", reload);
    release();
  };
}

export default { render };
