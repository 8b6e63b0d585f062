// A long list of organisations (a select with data-charter-autocomplete) becomes GOV.UK's
// accessible autocomplete: type a few letters of a name instead of scrolling through hundreds.
// Without JavaScript, or if the component did not load, the plain select stays and works.
//
// The component does not empty the select when its text box is cleared, so clearing it would
// silently keep the old choice; here an empty box means "None" when the form is sent.

const enhance = window.accessibleAutocomplete && window.accessibleAutocomplete.enhanceSelectElement

function start (selectElement) {
  const id = selectElement.id
  const form = selectElement.form
  enhance({
    selectElement,
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
