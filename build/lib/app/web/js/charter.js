// Starts GOV.UK Frontend's components. A file, not an inline script, because the
// Content-Security-Policy forbids inline scripts: the body classes that GOV.UK's own
// template sets inline are set here instead. A browser that runs this module supports
// ES modules, which is what `govuk-frontend-supported` stands for.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
