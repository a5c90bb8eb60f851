// JobMatch counsellors' page: plain JavaScript against the service's own /v1 API (openapi.yaml).
// Everything from the API is put on the page as text (textContent), never as HTML.
"use strict";

(() => {
  const KEY = "jobmatch.key";
  const $ = (id) => document.getElementById(id);

  const OUTCOMES = [
    ["shown", "지원 권유"],
    ["applied", "지원함"],
    ["interview", "면접"],
    ["hired", "채용"],
    ["not-suitable", "부적합"],
  ];
  const PARTS = [
    ["words", "일치 단어", ["matchedWord", "otherWords"]],
    ["occupation", "직종", ["occupationExact", "occupationGroup", "occupationInferred"]],
    ["title", "직무명 앞부분", ["titleStart"]],
    ["experience", "경력·학력", ["experience", "education"]],
    ["content", "직무 내용 유사", ["contentSimilarity"]],
  ];
  const SOON_DAYS = 7;
  const PROVINCES = ["서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충북", "충남", "전북", "전남", "경북", "경남", "제주"];
  const EMPLOYMENT_TYPES = ["정규직", "계약직", "시간제", "일용직", "인턴", "파견직", "프리랜서", "위촉직", "교육생", "병역특례"];
  const OUTCOME_LABEL = Object.fromEntries(OUTCOMES);

  // "2026-11-20T05:12:00Z" → "11월 20일" (Korea time)
  function shortDate(iso) {
    const d = new Date(Date.parse(iso) + 9 * 3600000);
    return (d.getUTCMonth() + 1) + "월 " + d.getUTCDate() + "일";
  }

  // The page's state (one seeker at a time).
  const state = {
    me: null, // the key as the service describes it (GET /v1/me)
    seeker: null, // the seeker's record
    results: [], // the last recommendations
    history: new Map(), // postingId → outcomes recorded earlier for this seeker
    // request counters: an answer that arrives after a newer request (or a sign-out) is dropped
    lookups: 0,
    rankings: 0,
    asOf: null,
    constraints: null,
    lastOpener: null,
  };

  // ---------- API ----------

  class ApiError extends Error {
    constructor(status, problem) {
      super(problem && problem.detail ? problem.detail : "HTTP " + status);
      this.status = status;
      this.problem = problem || {};
    }
  }

  async function api(path, options = {}) {
    const key = sessionStorage.getItem(KEY);
    const headers = { Accept: "application/json" };
    if (key) headers.Authorization = "Bearer " + key;
    if (options.body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(path, {
        method: options.method || "GET",
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        cache: "no-store",
        credentials: "omit",
        referrerPolicy: "no-referrer",
      });
    } catch (e) {
      throw new ApiError(0, null);
    }
    let data = null;
    const text = await response.text();
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    return data;
  }

  // The API's problems, in plain Korean. `what` names the thing asked for ("구직자", "공고").
  function korean(error, what) {
    if (!(error instanceof ApiError)) return "예상하지 못한 오류가 났습니다. 화면을 새로 고친 뒤 다시 시도하세요.";
    const p = error.problem || {};
    switch (error.status) {
      case 0: return "서버에 연결할 수 없습니다. 네트워크 연결을 확인한 뒤 다시 시도하세요.";
      case 401:
        switch (p.reason) {
          case "expired": return "API 키의 사용 기간이 끝났습니다. 관리자에게 새 키를 요청하세요.";
          case "revoked": return "폐기된 API 키입니다. 관리자에게 새 키를 요청하세요.";
          case "locked": {
            const minutes = (/for (\d+) minutes/.exec(p.detail || "") || [])[1];
            return "잘못된 키 입력이 반복되어 키가 잠겼습니다. " + (minutes ? minutes + "분 뒤에" : "잠시 뒤에") + " 다시 시도하거나 관리자에게 잠금 해제를 요청하세요.";
          }
          case "missing": return "로그인이 필요합니다.";
          default: return "API 키가 올바르지 않습니다. 받은 키를 빠짐없이 붙여 넣었는지 확인하세요.";
        }
      case 403: return "이 키로는 할 수 없는 작업입니다. 상담용 키인지 관리자에게 확인하세요.";
      case 404:
        if (what === "구직자") return "구직자를 찾을 수 없습니다. 번호를 확인하세요. (우리 센터 소속 구직자만 조회됩니다.)";
        if (what === "공고") return "공고를 찾을 수 없습니다. 공고 번호를 확인하세요.";
        return "찾을 수 없습니다.";
      case 400: {
        const fields = {
          region: "고른 지역이 구직자의 희망 지역 밖입니다.",
          employmentType: "고른 고용형태가 구직자의 희망 고용형태가 아닙니다.",
          minSalary: "최소 연봉은 구직자의 희망 연봉 이상, 숫자(만원)로 입력하세요.",
          top: "보여 줄 공고 수가 올바르지 않습니다.",
          q: "검색어를 1~200자로 입력하세요.",
          reason: "부적합 사유를 입력하세요.",
        };
        return fields[p.field] || "입력값을 확인하세요." + (p.field ? " (" + p.field + ")" : "");
      }
      case 409: return "이미 마감된 공고입니다.";
      case 422:
        if (/resident registration/.test(p.detail || "")) return "주민등록번호는 입력할 수 없습니다. 지우고 다시 입력하세요.";
        return "입력 내용을 저장할 수 없습니다. 내용을 확인하세요.";
      case 429: {
        const wait = p.retryAfter ? p.retryAfter + "초" : "잠시";
        return "요청이 너무 많습니다. " + wait + " 뒤에 다시 시도하세요.";
      }
      case 503: return "서버가 제때 답하지 못했습니다. 잠시 뒤 다시 시도하세요.";
      default: return "서버 오류가 났습니다(" + error.status + "). 계속되면 관리자에게 알려 주세요.";
    }
  }

  // A 401 after sign-in (key expired or revoked meanwhile): back to the sign-in form, saying why.
  function handleAuthLoss(error) {
    if (error instanceof ApiError && error.status === 401) {
      signOut(korean(error));
      return true;
    }
    return false;
  }

  function showMessage(text, info) {
    const m = $("message");
    m.textContent = text || "";
    m.classList.toggle("info", !!info);
  }

  // ---------- small helpers ----------

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    if (attrs) {
      for (const [k, v] of Object.entries(attrs)) {
        if (v === undefined || v === null || v === false) continue;
        if (k === "class") e.className = v;
        else if (k === "text") e.textContent = v;
        else if (k.startsWith("data-") || k.startsWith("aria-") || k === "role" || k === "id" || k === "for" || k === "type" || k === "hidden") e.setAttribute(k, v === true ? "" : v);
        else e[k] = v;
      }
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  }

  const won = new Intl.NumberFormat("ko-KR");

  function salaryText(min, max) {
    if (min == null && max == null) return "급여 정보 없음";
    if (min != null && max != null && min !== max) return "연 " + won.format(min) + "~" + won.format(max) + "만원";
    return "연 " + won.format(min != null ? min : max) + "만원" + (min != null && max == null ? " 이상" : "");
  }

  function dayNumber(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    return Date.UTC(y, m - 1, d) / 86400000;
  }

  function deadlineInfo(deadline) {
    if (!deadline) return { text: "마감일 없음(상시)", soon: false, days: null };
    const days = state.asOf ? dayNumber(deadline) - dayNumber(state.asOf) : null;
    const [, m, d] = deadline.split("-").map(Number);
    const dday = days == null ? "" : days === 0 ? " (오늘 마감)" : " (D-" + days + ")";
    return { text: "마감 " + m + "월 " + d + "일" + dday, soon: days != null && days <= SOON_DAYS, days };
  }

  // Disables a form's buttons while its request runs; the focus stays where it was (a disabled
  // button would otherwise drop it to the page).
  function setBusy(form, busy) {
    if (busy) form.__focused = form.contains(document.activeElement) ? document.activeElement : null;
    for (const b of form.querySelectorAll("button")) b.disabled = busy;
    form.setAttribute("aria-busy", busy ? "true" : "false");
    if (!busy && form.__focused && document.activeElement === document.body && document.contains(form.__focused)) form.__focused.focus();
  }

  // ---------- sign-in ----------

  async function signIn(event) {
    event.preventDefault();
    const input = $("api-key");
    const key = input.value.trim();
    const error = $("signin-error");
    error.textContent = "";
    if (!/^jm_[0-9a-f]{12}_[0-9a-f]{64}$/.test(key)) {
      error.textContent = "API 키 형식이 올바르지 않습니다. jm_로 시작하는 키 전체(80자)를 붙여 넣으세요.";
      input.focus();
      return;
    }
    sessionStorage.setItem(KEY, key);
    setBusy($("signin-form"), true);
    try {
      state.me = await api("/v1/me");
      input.value = "";
      enterApp();
    } catch (e) {
      sessionStorage.removeItem(KEY);
      error.textContent = korean(e);
      input.focus();
    } finally {
      setBusy($("signin-form"), false);
    }
  }

  const ROLES = { counsellor: "상담", staff: "공고 관리", admin: "관리자" };

  function enterApp() {
    const me = state.me;
    $("whoami").textContent = me.name + " · " + me.office + " · " + (ROLES[me.role] || me.role);
    $("whoami-bar").hidden = false;
    $("signin").hidden = true;
    $("app").hidden = false;
    showMessage("");
    const notes = [];
    const left = Math.floor((Date.parse(me.expiresAt) - Date.now()) / 86400000);
    if (left === 0) notes.push("API 키 사용 기간이 오늘 끝납니다. 관리자에게 새 키를 요청하세요.");
    else if (left > 0 && left <= 14) notes.push("API 키 사용 기간이 " + left + "일 남았습니다. 관리자에게 새 키를 미리 요청하세요.");
    if (me.role === "staff") notes.push("공고 관리용 키입니다. 구직자 조회와 추천은 상담용 키로만 할 수 있습니다.");
    if (notes.length) showMessage(notes.join(" "), true);
    $("seeker-id").focus();
  }

  function signOut(reason) {
    sessionStorage.removeItem(KEY);
    state.me = null;
    clearSeeker();
    $("search-results").replaceChildren();
    $("search-status").textContent = "";
    $("search-q").value = "";
    $("seeker-id").value = "";
    $("app").hidden = true;
    $("whoami-bar").hidden = true;
    $("signin").hidden = false;
    showMessage("");
    $("signin-error").textContent = typeof reason === "string" ? reason : "";
    $("api-key").focus();
  }

  // ---------- seeker ----------

  function clearSeeker() {
    state.lookups++;
    state.rankings++;
    state.seeker = null;
    state.results = [];
    state.history = new Map();
    state.constraints = null;
    $("seeker-summary").hidden = true;
    $("seeker-title").textContent = "";
    $("seeker-fields").replaceChildren();
    $("filter-region").replaceChildren();
    $("filter-type").replaceChildren();
    $("filter-salary").value = "";
    $("whynot-posting").value = "";
    $("print-sheet").replaceChildren();
    closePosting();
    $("posting-detail-title").replaceChildren();
    $("posting-detail-meta").replaceChildren();
    $("posting-detail-body").replaceChildren();
    $("filters-panel").hidden = true;
    $("whynot-panel").hidden = true;
    $("whynot-result").replaceChildren();
    $("results").replaceChildren();
    $("legend").hidden = true;
    $("constraints").textContent = "";
    $("results-status").textContent = "구직자 번호로 조회하면 맞춤 공고가 여기에 나옵니다.";
    $("print-view").disabled = true;
  }

  async function lookUpSeeker(event) {
    event.preventDefault();
    const id = $("seeker-id").value.trim();
    showMessage("");
    if (!id) {
      showMessage("구직자 번호를 입력하세요.");
      $("seeker-id").focus();
      return;
    }
    clearSeeker();
    const lookup = state.lookups;
    $("results-status").textContent = "불러오는 중…";
    setBusy($("seeker-form"), true);
    try {
      const seeker = await api("/v1/seekers/" + encodeURIComponent(id));
      if (lookup !== state.lookups) return;
      state.seeker = seeker;
      renderSeeker(seeker);
      fillFilters(seeker);
      $("filters-panel").hidden = false;
      $("whynot-panel").hidden = false;
      await loadRecommendations();
    } catch (e) {
      if (lookup !== state.lookups) return;
      if (handleAuthLoss(e)) return;
      clearSeeker();
      showMessage(korean(e, "구직자"));
      $("seeker-id").focus();
    } finally {
      setBusy($("seeker-form"), false);
    }
  }

  function renderSeeker(s) {
    $("seeker-title").textContent = s.desiredTitle ? s.desiredTitle + " 희망" : "희망 직무 미기재";
    const rows = [];
    const add = (label, value) => { if (value !== undefined && value !== null && value !== "") rows.push([label, value]); };
    add("구직자 번호", s.id);
    add("희망 직종", (s.desiredOccupations || []).join(", "));
    add("희망 지역", (s.regions || []).join(", ") || "무관");
    add("고용형태", (s.employmentTypes || []).join(", ") || "무관");
    add("희망 연봉", s.salaryFloor != null ? won.format(s.salaryFloor) + "만원 이상" : "무관");
    add("경력", s.experienceYears != null ? s.experienceYears + "년" : "");
    add("학력", s.education || "");
    add("기술", (s.skills || []).join(", "));
    add("자격", (s.certificates || []).join(", "));
    const dl = $("seeker-fields");
    dl.replaceChildren();
    for (const [k, v] of rows) dl.append(el("dt", { text: k }), el("dd", { id: k === "희망 직종" ? "seeker-occupations" : undefined, text: String(v) }));
    if (s.profile) {
      // the self-introduction is long: folded, opened on demand
      dl.append(el("dt", { text: "소개" }), el("dd", {}, el("details", {}, el("summary", { text: "펼쳐 보기" }), el("p", { class: "profile", text: s.profile }))));
    }
    $("seeker-summary").hidden = false;
  }

  function fillFilters(s) {
    // the seeker's own regions, or every 시도 when the seeker accepts any region (none stated, 전국)
    const region = $("filter-region");
    const stated = s.regions || [];
    const anyRegion = stated.length === 0 || stated.includes("전국");
    region.replaceChildren(el("option", { value: "", text: anyRegion ? "전국(구직자 조건 그대로)" : "희망 지역 전체" }));
    for (const r of anyRegion ? PROVINCES : stated) region.append(el("option", { value: r, text: r }));
    region.disabled = region.options.length <= 2;
    // the seeker's own employment types, or every type when none is stated
    const type = $("filter-type");
    const types = s.employmentTypes && s.employmentTypes.length ? s.employmentTypes : EMPLOYMENT_TYPES;
    type.replaceChildren(el("option", { value: "", text: s.employmentTypes && s.employmentTypes.length ? "희망 고용형태 전체" : "무관(구직자 조건 그대로)" }));
    for (const t of types) type.append(el("option", { value: t, text: t }));
    type.disabled = type.options.length <= 2;
    const salary = $("filter-salary");
    salary.value = "";
    salary.min = String(s.salaryFloor || 0);
    salary.placeholder = s.salaryFloor != null ? won.format(s.salaryFloor) : "제한 없음";
    $("filter-salary-help").textContent = s.salaryFloor != null
      ? "구직자 희망 연봉 " + won.format(s.salaryFloor) + "만원 이상으로만 올릴 수 있습니다."
      : "구직자가 희망 연봉을 밝히지 않았습니다. 비워 두면 제한이 없습니다.";
    $("filter-top").value = "10";
  }

  function filterQuery() {
    const q = new URLSearchParams();
    q.set("top", $("filter-top").value || "10");
    q.set("explain", "true");
    const region = $("filter-region").value;
    const type = $("filter-type").value;
    const salary = $("filter-salary").value.trim();
    if (region) q.set("region", region);
    if (type) q.set("employmentType", type);
    if (salary) q.set("minSalary", salary);
    return q;
  }

  async function loadRecommendations() {
    const s = state.seeker;
    if (!s) return;
    const salary = $("filter-salary").value.trim();
    if ($("filter-salary").validity.badInput || (salary && (!/^\d+$/.test(salary) || (s.salaryFloor != null && Number(salary) < s.salaryFloor)))) {
      showMessage("최소 연봉은 " + (s.salaryFloor != null ? won.format(s.salaryFloor) + "만원 이상의 " : "") + "숫자(만원)로 입력하세요.");
      $("filter-salary").focus();
      return;
    }
    $("results-status").textContent = "추천 공고를 찾는 중…";
    const ranking = ++state.rankings;
    const base = "/v1/seekers/" + encodeURIComponent(s.id);
    const [body, history] = await Promise.all([
      api(base + "/recommendations?" + filterQuery().toString()),
      api(base + "/outcomes"),
    ]);
    if (ranking !== state.rankings || state.seeker !== s) return;
    state.history = new Map();
    for (const o of history.outcomes) {
      if (!state.history.has(o.postingId)) state.history.set(o.postingId, []);
      state.history.get(o.postingId).push(o);
    }
    state.results = body.results;
    state.shownTop = filterQuery().get("top");
    state.asOf = body.asOf;
    state.constraints = body.constraints;
    const occupations = document.getElementById("seeker-occupations");
    if (occupations && !body.constraints.narrowed) {
      occupations.textContent = body.constraints.occupations.map((o) => o.name ? o.name + " (" + o.code + ")" : o.code).join(", ");
    }
    renderResults(body);
  }

  // Ranks again with the filter form as it is (the filter buttons are busy meanwhile).
  async function rerank() {
    showMessage("");
    setBusy($("filters"), true);
    try {
      await loadRecommendations();
    } catch (e) {
      if (!handleAuthLoss(e)) showMessage(korean(e, "구직자"));
    } finally {
      setBusy($("filters"), false);
    }
  }

  function applyFilters(event) {
    event.preventDefault();
    rerank();
  }

  function resetFilters() {
    if (!state.seeker) return;
    fillFilters(state.seeker);
    rerank();
  }

  // ---------- results ----------

  function constraintsText(c) {
    const parts = [];
    parts.push("지역 " + (c.nationwide ? "전국" : c.regions.length ? c.regions.join(", ") : "무관"));
    parts.push("고용형태 " + (c.employmentTypes.length ? c.employmentTypes.join(", ") : "무관"));
    parts.push("연봉 " + (c.salaryFloor != null ? won.format(c.salaryFloor) + "만원 이상" : "무관"));
    if (c.occupations.length) parts.push("희망 직종 " + c.occupations.map((o) => o.name ? o.name + "(" + o.code + ")" : o.code).join(", "));
    return (c.narrowed ? "좁힌 조건: " : "구직자 조건: ") + parts.join(" · ") + ". 이 조건을 벗어나거나 마감된 공고는 나오지 않습니다.";
  }

  function scoreParts(result) {
    const sums = {};
    for (const [name, , kinds] of PARTS) {
      sums[name] = 0;
      for (const r of result.reasons || []) if (kinds.includes(r.kind)) sums[name] += Math.max(0, r.contribution);
    }
    return sums;
  }

  function renderResults(body) {
    const list = $("results");
    list.replaceChildren();
    const results = body.results;
    $("constraints").textContent = constraintsText(body.constraints);
    if (!results.length) {
      $("results-status").textContent = "조건에 맞는 진행 중인 공고가 없습니다.";
      $("legend").hidden = true;
      $("print-view").disabled = true;
      return;
    }
    const folded = results.reduce((n, r) => n + (r.duplicates ? r.duplicates.length : 0), 0);
    $("results-status").textContent = "추천 공고 " + results.length + "건" + (folded ? " (비슷한 공고 " + folded + "건은 묶음)" : "");
    $("legend").hidden = false;
    $("print-view").disabled = false;
    const maxScore = Math.max(...results.map((r) => r.score), 1e-9);
    for (const r of results) list.append(renderResult(r, maxScore, state.seeker.id));
  }

  function renderResult(r, maxScore, seekerId) {
    const titleId = "r-" + r.rank + "-title";
    const dl = deadlineInfo(r.deadline);
    const deadline = el("span", { class: "deadline", text: dl.text });
    const meta = el("p", { class: "meta" },
      el("span", { class: "company", text: r.company || "회사명 없음" }),
      el("span", { class: "region", text: r.region || "지역 미기재" }),
      el("span", { class: "type", text: r.employmentType || "고용형태 미기재" }),
      el("span", { class: "salary", text: salaryText(r.salaryMin, r.salaryMax) }),
      el("span", {}, deadline, dl.soon ? el("span", { class: "soon", text: "마감 임박" }) : null));

    // the score bar: its length is the score relative to the best result, its parts the reasons
    const sums = scoreParts(r);
    const total = Object.values(sums).reduce((a, b) => a + b, 0) || 1;
    const bar = el("span", { class: "score-bar" });
    const described = [];
    for (const [name, label] of PARTS) {
      if (sums[name] <= 0) continue;
      const share = sums[name] / total;
      const part = el("span", { class: "part", "data-part": name, title: label + " " + Math.round(share * 100) + "%" });
      part.style.width = (share * 100).toFixed(1) + "%";
      bar.append(part);
      described.push(label + " " + Math.round(share * 100) + "%");
    }
    bar.style.width = Math.max(4, (r.score / maxScore) * 100).toFixed(1) + "%";
    const track = el("span", { class: "score-track", role: "img", "aria-label": described.length ? "점수 구성: " + described.join(", ") : "점수 구성 정보 없음" }, bar);
    const fitLabel = r.fitProbability != null ? "적합도 " + Math.round(r.fitProbability * 100) + "%" : "상대 점수 " + Math.round((r.score / maxScore) * 100);
    const fit = el("div", { class: "fit" }, el("span", { text: fitLabel }), track);

    // the matched words on one line (read aloud as a list), then each other reason
    const reasons = el("ul", { class: "reasons", "aria-label": "추천 이유" });
    const all = r.reasons || [];
    const words = all.filter((x) => x.kind === "matchedWord" && x.words).map((x) => "'" + x.words + "'");
    const other = all.find((x) => x.kind === "otherWords");
    const more = other ? Number((other.label.match(/(\d+)개/) || [])[1] || 0) : 0;
    if (words.length) reasons.append(el("li", { class: "words", text: "일치 단어 " + words.join(", ") + (more ? " 외 " + more + "개" : "") }));
    else if (other) reasons.append(el("li", { text: other.label }));
    for (const reason of all) {
      if (reason.kind === "matchedWord" || reason.kind === "otherWords") continue;
      if (reason.kind === "unstated") reasons.append(el("li", { class: "unstated", text: reason.label + " (직접 확인 필요)" }));
      else reasons.append(el("li", { text: reason.label }));
    }
    if (!reasons.children.length) reasons.append(el("li", { text: "구직자 조건에 맞는 공고" }));

    const dups = r.duplicates && r.duplicates.length
      ? el("p", { class: "dups", text: "외 " + r.duplicates.length + "건 — 같은 회사의 거의 같은 공고 (" + r.duplicates.join(", ") + ")" })
      : null;

    const open = el("button", { type: "button", class: "open quiet", "aria-describedby": titleId, text: "공고 보기" });
    open.addEventListener("click", () => openPosting(r.postingId, r.reasons, open));

    const earlier = state.history.get(r.postingId) || [];
    const history = earlier.length
      ? el("p", { class: "history", text: "이전 기록: " + earlier.map((o) => OUTCOME_LABEL[o.outcome] + (o.reason ? "(" + o.reason + ")" : "") + " " + shortDate(o.at)).join(", ") })
      : null;
    const status = el("p", { class: "outcome-status", role: "status", tabIndex: -1 });
    const reasonId = "unsuitable-" + r.rank;
    const reasonInput = el("input", { class: "unsuitable-reason", id: reasonId, maxLength: 200, autocomplete: "off" });
    const reasonSubmit = el("button", { type: "button", class: "unsuitable-submit", text: "부적합으로 기록" });
    const unsuitable = el("div", { class: "unsuitable", hidden: true },
      el("label", { for: reasonId, text: "부적합 사유" }), reasonInput, reasonSubmit);
    const outcomes = el("div", { class: "outcomes", role: "group", "aria-label": "결과 기록 (" + r.title + ")" });
    for (const [code, label] of OUTCOMES) {
      const b = el("button", { type: "button", class: "outcome quiet", "data-outcome": code, text: label });
      if (code === "not-suitable") {
        b.setAttribute("aria-expanded", "false");
        b.setAttribute("aria-controls", reasonId);
        b.addEventListener("click", () => {
          unsuitable.hidden = !unsuitable.hidden;
          b.setAttribute("aria-expanded", unsuitable.hidden ? "false" : "true");
          if (!unsuitable.hidden) reasonInput.focus();
        });
      } else {
        b.addEventListener("click", () => recordOutcome(seekerId, r, code, null, b, status));
      }
      outcomes.append(b);
    }
    const submitUnsuitable = () => {
      const text = reasonInput.value.trim();
      if (!text) {
        status.className = "outcome-status fail";
        status.textContent = "부적합 사유를 입력하세요.";
        reasonInput.focus();
        return;
      }
      if (reasonSubmit.disabled) return;
      reasonSubmit.disabled = true;
      recordOutcome(seekerId, r, "not-suitable", text, outcomes.querySelector('[data-outcome="not-suitable"]'), status, () => {
        unsuitable.hidden = true;
        reasonInput.value = "";
      }).finally(() => { reasonSubmit.disabled = false; });
    };
    reasonSubmit.addEventListener("click", submitUnsuitable);
    reasonInput.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); submitUnsuitable(); } });

    const article = el("article", { "aria-labelledby": titleId },
      el("div", { class: "head" }, el("span", { class: "rank", text: r.rank + "." }), el("h3", { class: "title", id: titleId, text: r.title })),
      meta, fit, reasons, dups, history,
      el("div", { class: "actions" }, open, outcomes),
      unsuitable, status);
    return el("li", { class: "result", "data-posting-id": r.postingId }, article);
  }


  // Records one outcome; once stored, its button shows ✓ and stays disabled for this list (a
  // second click would record it twice). The focus moves to the status line.
  async function recordOutcome(seekerId, r, code, reason, button, status, done) {
    if (button.disabled) return;
    const body = { seekerId, postingId: r.postingId, outcome: code };
    if (reason) body.reason = reason;
    status.className = "outcome-status";
    status.textContent = "기록하는 중…";
    button.disabled = true;
    try {
      await api("/v1/outcomes", { method: "POST", body });
      const time = new Date().toLocaleTimeString("ko-KR", { hour: "2-digit", minute: "2-digit" });
      button.classList.add("done");
      button.textContent = "✓ " + OUTCOME_LABEL[code];
      if (code === "not-suitable") button.removeAttribute("aria-expanded");
      status.className = "outcome-status ok";
      status.textContent = "기록됨: " + OUTCOME_LABEL[code] + (reason ? " — " + reason : "") + " (" + time + ")";
      if (done) done();
      status.focus();
    } catch (e) {
      button.disabled = false;
      if (handleAuthLoss(e)) return;
      status.className = "outcome-status fail";
      status.textContent = "기록하지 못했습니다: " + korean(e, "공고");
    }
  }

  // ---------- one posting ----------

  // The text with every occurrence of `words` wrapped in <mark> (longest first; case-insensitive).
  function highlighted(text, words) {
    const frag = document.createDocumentFragment();
    const list = [...new Set(words.filter((w) => w && w.trim().length > 0))].sort((a, b) => b.length - a.length);
    if (!list.length) { frag.append(text); return { frag, count: 0 }; }
    const escaped = list.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    const re = new RegExp(escaped.join("|"), "gi");
    let last = 0, count = 0, m;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) { re.lastIndex++; continue; }
      frag.append(text.slice(last, m.index), el("mark", { text: m[0] }));
      last = m.index + m[0].length;
      count++;
    }
    frag.append(text.slice(last));
    return { frag, count };
  }

  async function openPosting(id, reasons, opener) {
    showMessage("");
    let p;
    try {
      p = await api("/v1/postings/" + encodeURIComponent(id));
    } catch (e) {
      if (!handleAuthLoss(e)) showMessage(korean(e, "공고"));
      return;
    }
    const words = (reasons || []).filter((r) => r.kind === "matchedWord" && r.words).map((r) => r.words);
    const title = highlighted(p.title || id, words);
    $("posting-detail-title").replaceChildren(title.frag);
    const meta = $("posting-detail-meta");
    meta.replaceChildren();
    const dl = deadlineInfo(p.deadline);
    const rows = [
      ["공고 번호", p.id],
      ["회사", p.company],
      ["지역", p.region],
      ["고용형태", p.employmentType],
      ["급여", salaryText(p.salaryMin, p.salaryMax)],
      ["경력", p.experienceMin != null || p.experienceMax != null ? (p.experienceMin || 0) + "년" + (p.experienceMax != null ? "~" + p.experienceMax + "년" : " 이상") : "무관"],
      ["학력", p.education],
      ["기술", (p.skills || []).join(", ")],
      ["자격", (p.certificates || []).join(", ")],
      ["마감", dl.text + (dl.soon ? " · 마감 임박" : "")],
      ["상태", p.status === "closed" ? "마감됨" : "진행 중"],
      ["공고 주소", p.url],
    ];
    for (const [k, v] of rows) {
      if (v === undefined || v === null || v === "") continue;
      const value = highlighted(String(v), k === "기술" || k === "자격" ? words : []);
      meta.append(el("dt", { text: k }), el("dd", {}, value.frag));
    }
    const body = highlighted(p.description || "(상세 내용 없음)", words);
    $("posting-detail-body").replaceChildren(body.frag);
    const marked = document.querySelectorAll("#posting-detail mark").length;
    $("posting-detail-note").textContent = words.length
      ? "노란 표시: 구직자와 일치한 단어 (" + words.join(", ") + ")" + (marked ? "" : " — 본문에서는 찾지 못함")
      : "이 공고에는 표시할 일치 단어가 없습니다.";
    state.lastOpener = opener;
    const dialog = $("posting-detail");
    if (!dialog.open) dialog.showModal();
    $("posting-detail-close").focus();
  }

  function closePosting() {
    const dialog = $("posting-detail");
    if (dialog.open) dialog.close();
  }

  // ---------- why-not ----------

  async function whyNot(event) {
    event.preventDefault();
    const out = $("whynot-result");
    const posting = $("whynot-posting").value.trim();
    out.replaceChildren();
    if (!state.seeker) return;
    if (!posting) {
      out.append(el("p", { class: "error", text: "공고 번호를 입력하세요." }));
      $("whynot-posting").focus();
      return;
    }
    setBusy($("whynot-form"), true);
    try {
      const top = state.shownTop || "10";
      const seekerId = state.seeker.id;
      const v = await api("/v1/seekers/" + encodeURIComponent(seekerId) + "/why-not/" + encodeURIComponent(posting) + "?top=" + top);
      if (!state.seeker || state.seeker.id !== seekerId) return;
      const headline = {
        vetoed: "구직자 조건에 맞지 않아 제외됨",
        "no-match": "겹치는 내용이 없어 후보가 아님",
        ranked: v.rank && v.shown && v.rank <= v.shown ? "추천 목록에 있음" : "순위 밖",
        duplicate: "비슷한 공고와 묶임",
        "company-cap": "회사별 추천 한도로 제외됨",
      }[v.verdict] || v.verdict;
      const box = el("div", { class: "verdict" }, el("strong", { text: posting + ": " + headline }), el("p", { text: v.explanation }));
      if (state.constraints && state.constraints.narrowed) {
        box.append(el("p", { class: "help", text: "조건 좁히기는 반영하지 않은 판단입니다. 좁힌 조건 때문에 화면 목록에는 없을 수 있습니다." }));
      }
      if (v.vetoes && v.vetoes.length) {
        const ul = el("ul");
        for (const x of v.vetoes) ul.append(el("li", { text: x }));
        box.append(ul);
      }
      out.append(box);
    } catch (e) {
      if (handleAuthLoss(e)) return;
      out.append(el("p", { class: "error", text: korean(e, "공고") }));
    } finally {
      setBusy($("whynot-form"), false);
    }
  }

  // ---------- search ----------

  async function search(event) {
    event.preventDefault();
    const q = $("search-q").value.trim();
    const list = $("search-results");
    const status = $("search-status");
    list.replaceChildren();
    if (!q) {
      status.textContent = "검색어를 입력하세요.";
      $("search-q").focus();
      return;
    }
    status.textContent = "검색하는 중…";
    setBusy($("search-form"), true);
    try {
      const body = await api("/v1/search?" + new URLSearchParams({ q, top: "20" }).toString());
      status.textContent = body.results.length ? "진행 중인 공고 " + body.results.length + "건" : "찾은 공고가 없습니다.";
      for (const r of body.results) {
        const open = el("button", { type: "button", class: "quiet", text: "공고 보기" });
        open.addEventListener("click", () => openPosting(r.postingId, r.reasons, open));
        const dl = deadlineInfo(r.deadline);
        list.append(el("li", { class: "search-result", "data-posting-id": r.postingId },
          el("p", { class: "title", text: r.title }),
          el("p", { class: "meta", text: [r.company, r.region, dl.text, r.postingId].filter(Boolean).join(" · ") }),
          open));
      }
    } catch (e) {
      if (handleAuthLoss(e)) return;
      status.textContent = korean(e, "공고");
    } finally {
      setBusy($("search-form"), false);
    }
  }

  // ---------- print ----------

  // A sheet for the seeker: the postings, contacts and deadlines; no scores, no ids of the seeker.
  function fullDate(iso) {
    const [y, m, d] = iso.split("-").map(Number);
    const weekday = "일월화수목금토"[new Date(Date.UTC(y, m - 1, d)).getUTCDay()];
    return y + "년 " + m + "월 " + d + "일(" + weekday + ")";
  }

  function buildPrintSheet() {
    const sheet = $("print-sheet");
    sheet.replaceChildren();
    const today = state.asOf ? fullDate(state.asOf) : "";
    const title = state.seeker && state.seeker.name ? state.seeker.name + "님께 드리는 추천 일자리" : "추천 일자리 안내";
    sheet.append(el("h1", { text: title }),
      el("p", { class: "lead", text: today + " 기준 진행 중인 공고입니다. 마감일 전에 지원하세요. 공고 내용은 회사 사정에 따라 바뀔 수 있습니다." }));
    const ol = el("ol");
    for (const r of state.results) {
      const dl = deadlineInfo(r.deadline);
      const lines = [
        el("div", { class: "p-title", text: r.title }),
        el("div", { text: [r.company, r.region, r.employmentType].filter(Boolean).join(" · ") }),
        el("div", { text: salaryText(r.salaryMin, r.salaryMax) + " · " + (r.deadline ? "마감 " + fullDate(r.deadline) + (dl.soon ? " — 곧 마감" : "") : "마감일 없음(상시)") }),
        el("div", { text: "공고 번호 " + r.postingId + (r.url ? " · " + r.url : "") }),
      ];
      ol.append(el("li", {}, ...lines));
    }
    sheet.append(ol);
    const me = state.me;
    sheet.append(el("p", { class: "p-foot", text: "문의: " + me.office + " 취업 상담 창구 (담당 " + me.name + "). 공고 번호를 말씀하시면 안내해 드립니다." }));
  }

  function printView() {
    if (!state.results.length) return;
    buildPrintSheet();
    window.print();
  }

  // ---------- wiring ----------

  document.addEventListener("DOMContentLoaded", () => {
    $("signin-form").addEventListener("submit", signIn);
    $("signout").addEventListener("click", () => signOut());
    $("seeker-form").addEventListener("submit", lookUpSeeker);
    $("filters").addEventListener("submit", applyFilters);
    $("filter-reset").addEventListener("click", resetFilters);
    $("whynot-form").addEventListener("submit", whyNot);
    $("search-form").addEventListener("submit", search);
    $("print-view").addEventListener("click", printView);
    $("posting-detail-close").addEventListener("click", closePosting);
    $("posting-detail").addEventListener("close", () => {
      if (state.lastOpener && document.contains(state.lastOpener)) state.lastOpener.focus();
    });
    window.addEventListener("beforeprint", () => { if (state.results.length) buildPrintSheet(); });

    // a key already in this tab's session (reload): check it is still good
    if (sessionStorage.getItem(KEY)) {
      api("/v1/me").then((me) => { state.me = me; enterApp(); }).catch((e) => signOut(korean(e)));
    } else {
      $("api-key").focus();
    }
  });
})();
