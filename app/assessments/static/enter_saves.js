// Enter in a field of the element form saves, as it would in any other form; only in the search
// box does it find. Without this script the browser's implicit submission uses the form's first
// button, which on a page with "Find evidence in your library" is "Find evidence": Enter on a
// score would then search, and the page would come back saying nothing has been saved.

function start (form) {
  const save = form.querySelector('button[name="action"][value="continue"]')
  const find = form.querySelector('button[name="action"][value="find"]')
  if (!save || !find) return // no search box: the first button already saves
  form.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter' || event.isComposing || event.defaultPrevented) return
    const field = event.target
    if (!(field instanceof HTMLInputElement) || field.form !== form) return
    event.preventDefault()
    form.requestSubmit(field.name === 'evidence_search' ? find : save)
  })
}

document.querySelectorAll('form[data-autosave-url]').forEach(start)
