// Autosave for the element page: a few seconds after typing stops, the form is saved through the
// JSON API (PUT .../responses/CODE) with the CSRF header, and the page says "Saved". The form
// still works without this script; "Save and continue" remains the way to move on. A stale
// revision (someone else saved) stops autosave, so the next "Save and continue" shows both
// versions side by side and nothing is lost.

const DELAY_MS = 2500

function answerOf (form) {
  const data = new FormData(form)
  const score = data.get('score') || ''
  const notApplicable = score === 'na'
  return {
    revision: Number.parseInt(data.get('revision') || '0', 10),
    score: score === '' || notApplicable ? null : Number.parseInt(score, 10),
    not_applicable: notApplicable,
    narrative: String((notApplicable ? data.get('justification') : data.get('narrative')) || ''),
    evidence: data.getAll('evidence').map(String)
  }
}

function timeNow () {
  return new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })
}

function start (form) {
  const url = form.dataset.autosaveUrl
  const status = document.getElementById('autosave-status')
  const token = form.querySelector('input[name="_csrf_token"]')
  const revision = form.querySelector('input[name="revision"]')
  if (!url || !status || !token || !revision) return

  let timer = null
  let saving = false
  let again = false
  let stopped = false
  let submitPending = false
  let submitter = null
  let lastSent = JSON.stringify(answerOf(form))

  const say = (text) => { status.textContent = text }

  async function save () {
    if (stopped) return
    if (saving) { again = true; return }
    const answer = answerOf(form)
    const body = JSON.stringify(answer)
    if (body === lastSent) return
    if (answer.not_applicable && !answer.narrative.trim()) return // wait for the justification
    const narrative = form.querySelector('[name="narrative"]')
    if (answer.not_applicable && narrative && narrative.value.trim()) return // the page will ask
    saving = true
    try {
      const response = await fetch(url, {
        method: 'PUT',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'x-csrf-token': token.value },
        body
      })
      if (response.ok) {
        const saved = await response.json()
        revision.value = String(saved.revision)
        lastSent = JSON.stringify(answerOf(form))
        say(`Saved at ${timeNow()}`)
      } else if (response.status === 409) {
        stopped = true
        say('Someone else has changed this element, or it can no longer be changed. ' +
            'Select "Save and continue" to see both versions; your text is kept.')
      } else if (response.status === 422) {
        const problem = await response.json()
        const messages = Object.values(problem.problems || {})
        say(`Not saved yet: ${messages.join('. ') || problem.detail}`)
      } else {
        say('Not saved yet. Select "Save and continue" to save your answer.')
      }
    } catch (error) {
      say('Not saved yet: check your connection. Your text is still here.')
    } finally {
      saving = false
      if (submitPending) {
        // The person pressed a button while a save was on its way: send the form now, with the
        // revision that save returned, so their own autosave never looks like someone else's.
        submitPending = false
        form.requestSubmit(submitter || undefined)
      } else if (again) { again = false; schedule() }
    }
  }

  function schedule () {
    if (stopped) return
    window.clearTimeout(timer)
    timer = window.setTimeout(save, DELAY_MS)
  }

  form.addEventListener('input', schedule)
  form.addEventListener('change', schedule)
  form.addEventListener('submit', (event) => {
    stopped = true
    window.clearTimeout(timer)
    if (saving) {
      event.preventDefault()
      submitPending = true
      submitter = event.submitter || null
    }
  })
}

document.querySelectorAll('form[data-autosave-url]').forEach(start)
