// A long list of organisations (a select with data-charter-autocomplete) becomes GOV.UK's
// accessible autocomplete: type a few letters of a name instead of scrolling through hundreds.
// Without JavaScript, or if the component did not load, the plain select stays and works.
//
// Where the page lists only the first organisations by name (data-charter-search names the
// JSON API to ask), what is typed is looked up there, so any organisation can be chosen; one
// found that way is added to the select, which is what the form sends.
//
// The component does not empty the select when its text box is cleared, so clearing it would
// silently keep the old choice; here an empty box means "None" when the form is sent.

const enhance = window.accessibleAutocomplete && window.accessibleAutocomplete.enhanceSelectElement
const ASK_FROM = 2 // characters typed before the API is asked

function start (selectElement) {
  const id = selectElement.id
  const form = selectElement.form
  const searchUrl = selectElement.dataset.charterSearch
  const exclude = selectElement.dataset.charterExclude || ''
  const slugs = new Map() // name -> slug, of every organisation the page knows of
  for (const option of selectElement.options) {
    if (option.value) slugs.set(option.textContent.trim(), option.value)
  }
  let latest = ''

  function listed (query) {
    const wanted = query.toLowerCase()
    return [...slugs.keys()].filter((name) => name.toLowerCase().includes(wanted))
  }

  async function source (query, populate) {
    latest = query
    if (!searchUrl || query.trim().length < ASK_FROM) return populate(listed(query))
    try {
      const response = await fetch(`${searchUrl}?${new URLSearchParams({ q: query })}`, {
        credentials: 'same-origin',
        headers: { Accept: 'application/json' }
      })
      if (!response.ok) throw new Error(`status ${response.status}`)
      const found = (await response.json()).filter((org) => org.slug !== exclude)
      for (const org of found) slugs.set(org.name, org.slug)
      if (query === latest) populate(found.map((org) => org.name))
    } catch (error) {
      if (query === latest) populate(listed(query))
    }
  }

  function choose (name) {
    const slug = slugs.get(name)
    if (!slug) return
    let option = [...selectElement.options].find((o) => o.value === slug)
    if (!option) {
      option = new Option(name, slug)
      selectElement.add(option)
    }
    option.selected = true
  }

  enhance({
    selectElement,
    source,
    onConfirm: choose,
    defaultValue: selectElement.value === '' ? '' : undefined,
    showAllValues: true,
    // Not the component's default for a select: with it, leaving an emptied box picks the
    // first organisation listed, so one could not be made to stand alone.
    autoselect: false,
    tNoResults: () => 'No organisation has that name'
  })
  const input = document.getElementById(id) // the component's text box takes the select's id
  if (!form || !input) return
  form.addEventListener('submit', () => {
    if (input.value.trim() === '') selectElement.value = ''
  })
}

if (enhance) document.querySelectorAll('select[data-charter-autocomplete]').forEach(start)
