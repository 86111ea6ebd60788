"""Words of every message in English, Portuguese, Spanish and French (pure data).

:func:`texts` returns the catalogue of a language (unknown languages fall back to English). Entries with
``{placeholders}`` are filled with :meth:`str.format` by the renderers; values are plain text and the
HTML templates escape them.
"""

from __future__ import annotations

LANGUAGES = ("en", "pt", "es", "fr")

_EN = {
    "hello": "Hello {name},",
    "hello_anon": "Hello,",
    "subject_alert": "{headline} forced-labour risk: {count} {noun} in {scope} ({year})",
    "subject_digest": "{cadence} digest: {count} {noun} at {risk} in {scope} ({year})",
    "subject_all_clear": "No new high-risk areas in {scope} (checked {run_date})",
    "subject_no_assessment": "No assessment this cycle for {scope} ({run_date})",
    "subject_confirm": "Confirm your sdg87 alert subscription for {scope}",
    "headline_high": "High",
    "headline_medium": "Medium or high",
    "headline_low": "Any",
    "risk_high": "high risk",
    "risk_medium": "medium or high risk",
    "risk_low": "some risk",
    "cadence_weekly": "Weekly",
    "cadence_monthly": "Monthly",
    "noun_0": "country|countries",
    "noun_1": "state|states",
    "noun_2": "municipality|municipalities",
    "noun_area": "area|areas",
    "intro": "The latest sdg87 assessment rates {count} {noun} in {scope} at {risk} of forced labour in {year}.",
    "intro_new": "These are new or rose since your last alert.",
    "n_more": "The {listed} with the highest risk are listed; {more} more are in the attached CSV.",
    "n_still_high": "{n} other areas from earlier alerts remain at {risk}; they are not repeated here.",
    "n_left": "{n} areas from earlier alerts fell below the alert level and are closed.",
    "chance": "Estimated chance that forced labour is found here in {year}",
    "likely": "likely {lo} to {hi}",
    "risk_class": "Risk class",
    "class_high": "high",
    "class_medium": "medium",
    "class_low": "low",
    "reason_entered_high": "new: first alert for this area",
    "reason_rose": "risk rose since the last alert",
    "reason_reminder": "still at this level (reminder)",
    "reason_still_high_digest": "unchanged since an earlier alert",
    "was": "was {p} at the last alert",
    "main_reasons": "Main reasons",
    "raises": "raises risk",
    "lowers": "lowers risk",
    "not_recorded": "not recorded",
    "record_feedback": "Record what was done",
    "map_caption": "Alerted areas (red) in {scope}",
    "csv_note": "All scored areas in {scope} are in the attached file {file}.",
    "how_to_use": "How to use this",
    "intended_use": (
        "These scores are for targeting prevention and inspection resources to areas, never to "
        "individuals. A high score is a reason to look, not evidence that forced labour is happening."
    ),
    "provenance": "Where these numbers come from",
    "model": "Model: {name}, version {version} (MLflow run {run})",
    "target": "Target year: {year}, forecast {horizon} year(s) ahead",
    "data_as_of": "Data as of",
    "checks": "Data checks passed (load ids)",
    "freshness": "Last successful load of {source}: {date}",
    "footer": "You receive this because you subscribed to alerts for {scope}.",
    "unsubscribe": "Stop these e-mails",
    "all_clear": (
        "No new areas in {scope} reached {risk} this cycle. The system ran on {run_date} with data up "
        "to {data_date}; {n_open} areas alerted earlier remain open."
    ),
    "all_clear_why": "We send this so that silence is never ambiguous: you will hear from us again when something changes.",
    "no_assessment": (
        "The sdg87 system could not produce a trustworthy assessment for {scope} on {run_date}: the input "
        "data failed a quality check or is out of date. No scores are sent this cycle; earlier alerts "
        "still stand. The operators have been told."
    ),
    "confirm_intro": (
        "Someone (hopefully you) asked to receive sdg87 alerts about areas at high risk of forced labour "
        "in {scope}, as {role}, at {min_class} risk and above, {cadence}."
    ),
    "confirm_action": "Confirm the subscription",
    "confirm_ignore": "If you did not ask for this, ignore this e-mail: nothing will be sent.",
    "cadence_word_immediate": "as soon as scores change",
    "cadence_word_weekly": "as a weekly digest",
    "cadence_word_monthly": "as a monthly digest",
}

_PT = {
    **_EN,
    "hello": "Olá {name},",
    "hello_anon": "Olá,",
    "subject_alert": "Risco {headline} de trabalho escravo: {count} {noun} em {scope} ({year})",
    "subject_digest": "Resumo {cadence}: {count} {noun} com {risk} em {scope} ({year})",
    "subject_all_clear": "Nenhuma nova área de alto risco em {scope} (verificado em {run_date})",
    "subject_no_assessment": "Sem avaliação neste ciclo para {scope} ({run_date})",
    "subject_confirm": "Confirme sua inscrição nos alertas sdg87 para {scope}",
    "headline_high": "alto",
    "headline_medium": "médio ou alto",
    "headline_low": "qualquer",
    "risk_high": "risco alto",
    "risk_medium": "risco médio ou alto",
    "risk_low": "algum risco",
    "cadence_weekly": "semanal",
    "cadence_monthly": "mensal",
    "noun_0": "país|países",
    "noun_1": "estado|estados",
    "noun_2": "município|municípios",
    "noun_area": "área|áreas",
    "intro": "A avaliação mais recente do sdg87 classifica {count} {noun} em {scope} com {risk} de trabalho escravo em {year}.",
    "intro_new": "São novos ou subiram desde o seu último alerta.",
    "n_more": "Os {listed} de maior risco estão listados; outros {more} estão no CSV anexo.",
    "n_still_high": "{n} outras áreas de alertas anteriores continuam com {risk}; não são repetidas aqui.",
    "n_left": "{n} áreas de alertas anteriores caíram abaixo do nível de alerta e foram encerradas.",
    "chance": "Probabilidade estimada de se encontrar trabalho escravo aqui em {year}",
    "likely": "provavelmente entre {lo} e {hi}",
    "risk_class": "Classe de risco",
    "class_high": "alto",
    "class_medium": "médio",
    "class_low": "baixo",
    "reason_entered_high": "novo: primeiro alerta para esta área",
    "reason_rose": "o risco subiu desde o último alerta",
    "reason_reminder": "continua neste nível (lembrete)",
    "reason_still_high_digest": "sem mudança desde um alerta anterior",
    "was": "era {p} no último alerta",
    "main_reasons": "Principais fatores",
    "raises": "aumenta o risco",
    "lowers": "reduz o risco",
    "not_recorded": "não registrado",
    "record_feedback": "Registrar o que foi feito",
    "map_caption": "Áreas em alerta (vermelho) em {scope}",
    "csv_note": "Todas as áreas avaliadas em {scope} estão no arquivo anexo {file}.",
    "how_to_use": "Como usar",
    "intended_use": (
        "Estas pontuações servem para direcionar recursos de prevenção e fiscalização a áreas, nunca a "
        "pessoas. Uma pontuação alta é motivo para olhar, não prova de que há trabalho escravo."
    ),
    "provenance": "De onde vêm estes números",
    "model": "Modelo: {name}, versão {version} (execução MLflow {run})",
    "target": "Ano-alvo: {year}, previsão com {horizon} ano(s) de antecedência",
    "data_as_of": "Dados até",
    "checks": "Verificações de dados aprovadas (ids das cargas)",
    "freshness": "Última carga bem-sucedida de {source}: {date}",
    "footer": "Você recebe este e-mail porque se inscreveu para alertas sobre {scope}.",
    "unsubscribe": "Parar estes e-mails",
    "all_clear": (
        "Nenhuma nova área em {scope} atingiu {risk} neste ciclo. O sistema rodou em {run_date} com dados "
        "até {data_date}; {n_open} áreas alertadas antes continuam abertas."
    ),
    "all_clear_why": "Enviamos esta mensagem para que o silêncio nunca seja ambíguo: voltaremos a escrever quando algo mudar.",
    "no_assessment": (
        "O sistema sdg87 não conseguiu produzir uma avaliação confiável para {scope} em {run_date}: os "
        "dados de entrada falharam numa verificação de qualidade ou estão desatualizados. Nenhuma pontuação "
        "é enviada neste ciclo; os alertas anteriores continuam válidos. Os operadores foram avisados."
    ),
    "confirm_intro": (
        "Alguém (esperamos que você) pediu para receber alertas sdg87 sobre áreas com alto risco de "
        "trabalho escravo em {scope}, como {role}, a partir de {min_class}, {cadence}."
    ),
    "confirm_action": "Confirmar a inscrição",
    "confirm_ignore": "Se não foi você, ignore este e-mail: nada será enviado.",
    "cadence_word_immediate": "assim que as pontuações mudarem",
    "cadence_word_weekly": "num resumo semanal",
    "cadence_word_monthly": "num resumo mensal",
}

_ES = {
    **_EN,
    "hello": "Hola {name}:",
    "hello_anon": "Hola:",
    "subject_alert": "Riesgo {headline} de trabajo forzoso: {count} {noun} en {scope} ({year})",
    "subject_digest": "Resumen {cadence}: {count} {noun} con {risk} en {scope} ({year})",
    "subject_all_clear": "Ninguna nueva zona de alto riesgo en {scope} (revisado el {run_date})",
    "subject_no_assessment": "Sin evaluación en este ciclo para {scope} ({run_date})",
    "subject_confirm": "Confirme su suscripción a las alertas sdg87 para {scope}",
    "headline_high": "alto",
    "headline_medium": "medio o alto",
    "headline_low": "cualquier",
    "risk_high": "riesgo alto",
    "risk_medium": "riesgo medio o alto",
    "risk_low": "algún riesgo",
    "cadence_weekly": "semanal",
    "cadence_monthly": "mensual",
    "noun_0": "país|países",
    "noun_1": "estado|estados",
    "noun_2": "municipio|municipios",
    "noun_area": "zona|zonas",
    "intro": "La evaluación más reciente de sdg87 sitúa {count} {noun} de {scope} en {risk} de trabajo forzoso en {year}.",
    "intro_new": "Son nuevos o subieron desde su última alerta.",
    "n_more": "Se listan los {listed} de mayor riesgo; otros {more} están en el CSV adjunto.",
    "n_still_high": "{n} zonas de alertas anteriores siguen en {risk}; no se repiten aquí.",
    "n_left": "{n} zonas de alertas anteriores bajaron del nivel de alerta y se cerraron.",
    "chance": "Probabilidad estimada de encontrar trabajo forzoso aquí en {year}",
    "likely": "probablemente entre {lo} y {hi}",
    "risk_class": "Clase de riesgo",
    "class_high": "alto",
    "class_medium": "medio",
    "class_low": "bajo",
    "reason_entered_high": "nuevo: primera alerta para esta zona",
    "reason_rose": "el riesgo subió desde la última alerta",
    "reason_reminder": "sigue en este nivel (recordatorio)",
    "reason_still_high_digest": "sin cambios desde una alerta anterior",
    "was": "era {p} en la última alerta",
    "main_reasons": "Factores principales",
    "raises": "aumenta el riesgo",
    "lowers": "reduce el riesgo",
    "not_recorded": "no registrado",
    "record_feedback": "Registrar lo que se hizo",
    "map_caption": "Zonas en alerta (rojo) en {scope}",
    "csv_note": "Todas las zonas evaluadas de {scope} están en el archivo adjunto {file}.",
    "how_to_use": "Cómo usar esto",
    "intended_use": (
        "Estas puntuaciones sirven para orientar recursos de prevención e inspección hacia zonas, nunca "
        "hacia personas. Una puntuación alta es un motivo para mirar, no una prueba de trabajo forzoso."
    ),
    "provenance": "De dónde vienen estas cifras",
    "model": "Modelo: {name}, versión {version} (ejecución MLflow {run})",
    "target": "Año objetivo: {year}, pronóstico a {horizon} año(s)",
    "data_as_of": "Datos hasta",
    "checks": "Controles de datos superados (ids de carga)",
    "freshness": "Última carga correcta de {source}: {date}",
    "footer": "Recibe este correo porque se suscribió a alertas sobre {scope}.",
    "unsubscribe": "Dejar de recibir estos correos",
    "all_clear": (
        "Ninguna zona nueva de {scope} alcanzó {risk} en este ciclo. El sistema se ejecutó el {run_date} "
        "con datos hasta {data_date}; {n_open} zonas alertadas antes siguen abiertas."
    ),
    "all_clear_why": "Enviamos este mensaje para que el silencio nunca sea ambiguo: volveremos a escribir cuando algo cambie.",
    "no_assessment": (
        "El sistema sdg87 no pudo producir una evaluación fiable para {scope} el {run_date}: los datos de "
        "entrada no pasaron un control de calidad o están desactualizados. No se envían puntuaciones en "
        "este ciclo; las alertas anteriores siguen vigentes. Se avisó a los operadores."
    ),
    "confirm_intro": (
        "Alguien (esperamos que usted) pidió recibir alertas sdg87 sobre zonas con alto riesgo de trabajo "
        "forzoso en {scope}, como {role}, desde {min_class}, {cadence}."
    ),
    "confirm_action": "Confirmar la suscripción",
    "confirm_ignore": "Si no fue usted, ignore este correo: no se enviará nada.",
    "cadence_word_immediate": "en cuanto cambien las puntuaciones",
    "cadence_word_weekly": "en un resumen semanal",
    "cadence_word_monthly": "en un resumen mensual",
}

_FR = {
    **_EN,
    "hello": "Bonjour {name},",
    "hello_anon": "Bonjour,",
    "subject_alert": "Risque {headline} de travail forcé : {count} {noun} en {scope} ({year})",
    "subject_digest": "Synthèse {cadence} : {count} {noun} à {risk} en {scope} ({year})",
    "subject_all_clear": "Aucune nouvelle zone à haut risque en {scope} (vérifié le {run_date})",
    "subject_no_assessment": "Pas d'évaluation ce cycle pour {scope} ({run_date})",
    "subject_confirm": "Confirmez votre abonnement aux alertes sdg87 pour {scope}",
    "headline_high": "élevé",
    "headline_medium": "moyen ou élevé",
    "headline_low": "quelconque",
    "risk_high": "risque élevé",
    "risk_medium": "risque moyen ou élevé",
    "risk_low": "un certain risque",
    "cadence_weekly": "hebdomadaire",
    "cadence_monthly": "mensuelle",
    "noun_0": "pays|pays",
    "noun_1": "État|États",
    "noun_2": "municipalité|municipalités",
    "noun_area": "zone|zones",
    "intro": "La dernière évaluation sdg87 classe {count} {noun} de {scope} à {risk} de travail forcé en {year}.",
    "intro_new": "Elles sont nouvelles ou en hausse depuis votre dernière alerte.",
    "n_more": "Les {listed} au risque le plus élevé sont listées ; {more} autres figurent dans le CSV joint.",
    "n_still_high": "{n} autres zones d'alertes précédentes restent à {risk} ; elles ne sont pas répétées ici.",
    "n_left": "{n} zones d'alertes précédentes sont passées sous le seuil d'alerte et sont closes.",
    "chance": "Probabilité estimée de constater du travail forcé ici en {year}",
    "likely": "probablement entre {lo} et {hi}",
    "risk_class": "Classe de risque",
    "class_high": "élevé",
    "class_medium": "moyen",
    "class_low": "faible",
    "reason_entered_high": "nouveau : première alerte pour cette zone",
    "reason_rose": "le risque a augmenté depuis la dernière alerte",
    "reason_reminder": "toujours à ce niveau (rappel)",
    "reason_still_high_digest": "inchangé depuis une alerte précédente",
    "was": "était de {p} lors de la dernière alerte",
    "main_reasons": "Principaux facteurs",
    "raises": "augmente le risque",
    "lowers": "réduit le risque",
    "not_recorded": "non enregistré",
    "record_feedback": "Indiquer ce qui a été fait",
    "map_caption": "Zones en alerte (rouge) en {scope}",
    "csv_note": "Toutes les zones évaluées de {scope} figurent dans le fichier joint {file}.",
    "how_to_use": "Comment s'en servir",
    "intended_use": (
        "Ces scores servent à orienter les moyens de prévention et d'inspection vers des zones, jamais vers "
        "des personnes. Un score élevé est une raison de regarder, pas une preuve de travail forcé."
    ),
    "provenance": "D'où viennent ces chiffres",
    "model": "Modèle : {name}, version {version} (exécution MLflow {run})",
    "target": "Année cible : {year}, prévision à {horizon} an(s)",
    "data_as_of": "Données à jour au",
    "checks": "Contrôles de données réussis (ids de chargement)",
    "freshness": "Dernier chargement réussi de {source} : {date}",
    "footer": "Vous recevez ce message car vous êtes abonné aux alertes pour {scope}.",
    "unsubscribe": "Ne plus recevoir ces e-mails",
    "all_clear": (
        "Aucune nouvelle zone de {scope} n'a atteint un {risk} ce cycle. Le système a tourné le {run_date} "
        "avec des données jusqu'au {data_date} ; {n_open} zones alertées auparavant restent ouvertes."
    ),
    "all_clear_why": "Nous envoyons ce message pour que le silence ne soit jamais ambigu : nous vous écrirons dès que quelque chose change.",
    "no_assessment": (
        "Le système sdg87 n'a pas pu produire d'évaluation fiable pour {scope} le {run_date} : les données "
        "d'entrée ont échoué à un contrôle de qualité ou sont périmées. Aucun score n'est envoyé ce cycle ; "
        "les alertes précédentes restent valables. Les opérateurs ont été prévenus."
    ),
    "confirm_intro": (
        "Quelqu'un (vous, nous l'espérons) a demandé à recevoir les alertes sdg87 sur les zones à haut "
        "risque de travail forcé en {scope}, en tant que {role}, à partir de {min_class}, {cadence}."
    ),
    "confirm_action": "Confirmer l'abonnement",
    "confirm_ignore": "Si ce n'est pas vous, ignorez cet e-mail : rien ne sera envoyé.",
    "cadence_word_immediate": "dès que les scores changent",
    "cadence_word_weekly": "dans une synthèse hebdomadaire",
    "cadence_word_monthly": "dans une synthèse mensuelle",
}

# The pages behind the links in e-mails (confirm, unsubscribe, feedback): keys start with ``web_`` or
# ``outcome_``; ``web_error_<code>`` words a :class:`FeedbackError` code for the officer.
_WEB_EN = {
    "web_footer": "sdg87 — risk alerts for SDG target 8.7. Scores are about areas, never individuals.",
    "web_feedback_title": "What happened after this alert?",
    "web_alerted": "alerted on {date}; estimated probability {p}, risk class {risk}, for {year}.",
    "web_already": "Already recorded: {outcomes}. Sending the same outcome again corrects it.",
    "web_outcome": "Outcome",
    "outcome_referred": "Referred to protection services",
    "outcome_inspection": "Inspection made",
    "outcome_confirmed": "Cases confirmed",
    "outcome_false_alarm": "False alarm",
    "outcome_no_action": "No action",
    "web_date": "Date (referral or inspection)",
    "web_service": "Service referred to (e.g. CREAS, Conselho Tutelar, labour inspection)",
    "web_cases": "Cases confirmed (number)",
    "web_note": 'Note (for "no action": why). Do not write names or anything that identifies a person.',
    "web_record": "Record",
    "web_thanks_title": "Thank you",
    "web_thanks": "Recorded: {outcome} for {area}.",
    "web_link_title": "Link not valid",
    "web_link_invalid": "This link is not valid: it is incomplete or was changed.",
    "web_link_expired": "This link expired on {date}.",
    "web_alert_missing_title": "Alert not found",
    "web_alert_missing": "This alert no longer exists.",
    "web_confirmed_title": "Subscription confirmed",
    "web_confirmed": "You will receive alerts for {scope} at {email}.",
    "web_inactive_title": "Subscription not active",
    "web_inactive": "This subscription was removed; nothing was changed.",
    "web_unsubscribe_title": "Stop these e-mails",
    "web_unsubscribe_text": "Press the button to stop receiving sdg87 alerts for {scope}.",
    "web_unsubscribe_button": "Unsubscribe",
    "web_unsubscribed_title": "Unsubscribed",
    "web_unsubscribed": "No more alerts for {scope} will be sent to {email}.",
    "web_already_unsubscribed_title": "Already unsubscribed",
    "web_already_unsubscribed": "This subscription had already ended: nothing more is sent to {email} for {scope}.",
    "web_unknown_unsubscribe": "This unsubscribe link is not known.",
    "web_error_outcome": "Choose one of the outcomes.",
    "web_error_action_date": "The date is not a valid date.",
    "web_error_future": "The date is in the future.",
    "web_error_cases": "Cases confirmed must be a whole number, 0 or more.",
    "web_error_too_long": "The service or the note is too long.",
    "web_error_referral": "A referral needs its date and the service it went to.",
    "web_error_confirmed": "Cases confirmed needs the number of cases.",
    "web_error_no_action": "No action needs a short reason.",
    "web_confirm_title": "Confirm your subscription",
    "web_confirm_text": "Press the button to receive sdg87 alerts for {scope}.",
    "web_confirm_button": "Confirm",
    "web_link_used": "This link was already used; nothing was changed.",
    "web_fresh_offer": "Press the button to have a fresh link sent to the address of this subscription.",
    "web_fresh_button": "Send a fresh link",
    "web_fresh_title": "Fresh link requested",
    "web_fresh_sent": "If this link belongs to an active subscription, a fresh link is on its way to the address of that subscription.",
    "web_forbidden_title": "Request refused",
    "web_forbidden": "This form was not sent from this site or was changed. Open the link in your e-mail again.",
    "web_error_before_alert": "The date is before the alert was sent.",
    "web_error_cases_range": "Cases confirmed must be a whole number from 0 to 100000.",
    "web_too_many": "Too many requests from your address; try again in a minute.",
    "mail_fresh_subject": "Your fresh sdg87 link for {scope}",
    "mail_fresh_body": "You asked for a fresh link. It expires on {date}:\n\n{url}\n\nIf you did not ask for it, ignore this e-mail.",
}

_WEB_PT = {
    "web_footer": "sdg87 — alertas de risco para a meta 8.7 dos ODS. As pontuações são sobre áreas, nunca sobre pessoas.",
    "web_feedback_title": "O que aconteceu depois deste alerta?",
    "web_alerted": "alertado em {date}; probabilidade estimada {p}, classe de risco {risk}, para {year}.",
    "web_already": "Já registrado: {outcomes}. Enviar o mesmo resultado de novo o corrige.",
    "web_outcome": "Resultado",
    "outcome_referred": "Encaminhado à rede de proteção",
    "outcome_inspection": "Fiscalização realizada",
    "outcome_confirmed": "Casos confirmados",
    "outcome_false_alarm": "Alarme falso",
    "outcome_no_action": "Nenhuma ação",
    "web_date": "Data (do encaminhamento ou da fiscalização)",
    "web_service": "Serviço para onde foi encaminhado (ex.: CREAS, Conselho Tutelar, fiscalização do trabalho)",
    "web_cases": "Casos confirmados (número)",
    "web_note": 'Observação (para "nenhuma ação": por quê). Não escreva nomes nem nada que identifique uma pessoa.',
    "web_record": "Registrar",
    "web_thanks_title": "Obrigado",
    "web_thanks": "Registrado: {outcome} para {area}.",
    "web_link_title": "Link inválido",
    "web_link_invalid": "Este link não é válido: está incompleto ou foi alterado.",
    "web_link_expired": "Este link expirou em {date}.",
    "web_alert_missing_title": "Alerta não encontrado",
    "web_alert_missing": "Este alerta não existe mais.",
    "web_confirmed_title": "Inscrição confirmada",
    "web_confirmed": "Você receberá alertas sobre {scope} em {email}.",
    "web_inactive_title": "Inscrição inativa",
    "web_inactive": "Esta inscrição foi removida; nada foi alterado.",
    "web_unsubscribe_title": "Parar estes e-mails",
    "web_unsubscribe_text": "Clique no botão para deixar de receber alertas sdg87 sobre {scope}.",
    "web_unsubscribe_button": "Cancelar inscrição",
    "web_unsubscribed_title": "Inscrição cancelada",
    "web_unsubscribed": "Nenhum alerta sobre {scope} será mais enviado para {email}.",
    "web_already_unsubscribed_title": "Inscrição já cancelada",
    "web_already_unsubscribed": "Esta inscrição já tinha sido cancelada: nada mais é enviado para {email} sobre {scope}.",
    "web_unknown_unsubscribe": "Este link de cancelamento não é conhecido.",
    "web_error_outcome": "Escolha um dos resultados.",
    "web_error_action_date": "A data não é válida.",
    "web_error_future": "A data está no futuro.",
    "web_error_cases": "Casos confirmados deve ser um número inteiro, 0 ou mais.",
    "web_error_too_long": "O serviço ou a observação é longo demais.",
    "web_error_referral": "Um encaminhamento precisa da data e do serviço para onde foi.",
    "web_error_confirmed": "Casos confirmados precisa do número de casos.",
    "web_error_no_action": "Nenhuma ação precisa de um motivo curto.",
    "web_confirm_title": "Confirme sua inscrição",
    "web_confirm_text": "Pressione o botão para receber alertas sdg87 para {scope}.",
    "web_confirm_button": "Confirmar",
    "web_link_used": "Este link já foi usado; nada foi alterado.",
    "web_fresh_offer": "Pressione o botão para que um novo link seja enviado ao endereço desta inscrição.",
    "web_fresh_button": "Enviar um novo link",
    "web_fresh_title": "Novo link solicitado",
    "web_fresh_sent": "Se este link pertence a uma inscrição ativa, um novo link está a caminho do endereço dessa inscrição.",
    "web_forbidden_title": "Pedido recusado",
    "web_forbidden": "Este formulário não foi enviado deste site ou foi alterado. Abra novamente o link do seu e-mail.",
    "web_error_before_alert": "A data é anterior ao envio do alerta.",
    "web_error_cases_range": "Casos confirmados deve ser um número inteiro de 0 a 100000.",
    "web_too_many": "Pedidos demais do seu endereço; tente novamente em um minuto.",
    "mail_fresh_subject": "Seu novo link sdg87 para {scope}",
    "mail_fresh_body": "Você pediu um novo link. Ele expira em {date}:\n\n{url}\n\nSe você não pediu, ignore este e-mail.",
}

_WEB_ES = {
    "web_footer": "sdg87 — alertas de riesgo para la meta 8.7 de los ODS. Las puntuaciones son sobre zonas, nunca sobre personas.",
    "web_feedback_title": "¿Qué pasó después de esta alerta?",
    "web_alerted": "alerta del {date}; probabilidad estimada {p}, clase de riesgo {risk}, para {year}.",
    "web_already": "Ya registrado: {outcomes}. Enviar el mismo resultado de nuevo lo corrige.",
    "web_outcome": "Resultado",
    "outcome_referred": "Derivado a los servicios de protección",
    "outcome_inspection": "Inspección realizada",
    "outcome_confirmed": "Casos confirmados",
    "outcome_false_alarm": "Falsa alarma",
    "outcome_no_action": "Ninguna acción",
    "web_date": "Fecha (de la derivación o de la inspección)",
    "web_service": "Servicio al que se derivó (p. ej., CREAS, Conselho Tutelar, inspección de trabajo)",
    "web_cases": "Casos confirmados (número)",
    "web_note": 'Nota (para "ninguna acción": por qué). No escriba nombres ni nada que identifique a una persona.',
    "web_record": "Registrar",
    "web_thanks_title": "Gracias",
    "web_thanks": "Registrado: {outcome} para {area}.",
    "web_link_title": "Enlace no válido",
    "web_link_invalid": "Este enlace no es válido: está incompleto o fue modificado.",
    "web_link_expired": "Este enlace caducó el {date}.",
    "web_alert_missing_title": "Alerta no encontrada",
    "web_alert_missing": "Esta alerta ya no existe.",
    "web_confirmed_title": "Suscripción confirmada",
    "web_confirmed": "Recibirá alertas sobre {scope} en {email}.",
    "web_inactive_title": "Suscripción inactiva",
    "web_inactive": "Esta suscripción fue eliminada; no se cambió nada.",
    "web_unsubscribe_title": "Dejar de recibir estos correos",
    "web_unsubscribe_text": "Pulse el botón para dejar de recibir alertas sdg87 sobre {scope}.",
    "web_unsubscribe_button": "Darse de baja",
    "web_unsubscribed_title": "Baja confirmada",
    "web_unsubscribed": "No se enviarán más alertas sobre {scope} a {email}.",
    "web_already_unsubscribed_title": "Ya dado de baja",
    "web_already_unsubscribed": "Esta suscripción ya había terminado: no se envía nada más a {email} sobre {scope}.",
    "web_unknown_unsubscribe": "Este enlace de baja no es conocido.",
    "web_error_outcome": "Elija uno de los resultados.",
    "web_error_action_date": "La fecha no es válida.",
    "web_error_future": "La fecha está en el futuro.",
    "web_error_cases": "Casos confirmados debe ser un número entero, 0 o más.",
    "web_error_too_long": "El servicio o la nota es demasiado largo.",
    "web_error_referral": "Una derivación necesita su fecha y el servicio al que se derivó.",
    "web_error_confirmed": "Casos confirmados necesita el número de casos.",
    "web_error_no_action": "Ninguna acción necesita un motivo breve.",
    "web_confirm_title": "Confirme su suscripción",
    "web_confirm_text": "Pulse el botón para recibir alertas sdg87 para {scope}.",
    "web_confirm_button": "Confirmar suscripción",
    "web_link_used": "Este enlace ya se usó; no se cambió nada.",
    "web_fresh_offer": "Pulse el botón para que se envíe un enlace nuevo a la dirección de esta suscripción.",
    "web_fresh_button": "Enviar un enlace nuevo",
    "web_fresh_title": "Enlace nuevo solicitado",
    "web_fresh_sent": "Si este enlace pertenece a una suscripción activa, un enlace nuevo va en camino a la dirección de esa suscripción.",
    "web_forbidden_title": "Solicitud rechazada",
    "web_forbidden": "Este formulario no se envió desde este sitio o fue modificado. Abra de nuevo el enlace de su correo.",
    "web_error_before_alert": "La fecha es anterior al envío de la alerta.",
    "web_error_cases_range": "Casos confirmados debe ser un número entero de 0 a 100000.",
    "web_too_many": "Demasiadas solicitudes desde su dirección; inténtelo de nuevo en un minuto.",
    "mail_fresh_subject": "Su nuevo enlace sdg87 para {scope}",
    "mail_fresh_body": "Pidió un enlace nuevo. Caduca el {date}:\n\n{url}\n\nSi no lo pidió, ignore este correo.",
}

_WEB_FR = {
    "web_footer": "sdg87 — alertes de risque pour la cible 8.7 des ODD. Les scores portent sur des zones, jamais sur des personnes.",
    "web_feedback_title": "Que s'est-il passé après cette alerte ?",
    "web_alerted": "alerte du {date} ; probabilité estimée {p}, classe de risque {risk}, pour {year}.",
    "web_already": "Déjà enregistré : {outcomes}. Renvoyer le même résultat le corrige.",
    "web_outcome": "Résultat",
    "outcome_referred": "Orienté vers les services de protection",
    "outcome_inspection": "Inspection effectuée",
    "outcome_confirmed": "Cas confirmés",
    "outcome_false_alarm": "Fausse alerte",
    "outcome_no_action": "Aucune action",
    "web_date": "Date (de l'orientation ou de l'inspection)",
    "web_service": "Service saisi (p. ex. CREAS, Conselho Tutelar, inspection du travail)",
    "web_cases": "Cas confirmés (nombre)",
    "web_note": "Note (pour « aucune action » : pourquoi). N'écrivez ni nom ni rien qui identifie une personne.",
    "web_record": "Enregistrer",
    "web_thanks_title": "Merci",
    "web_thanks": "Enregistré : {outcome} pour {area}.",
    "web_link_title": "Lien non valide",
    "web_link_invalid": "Ce lien n'est pas valide : il est incomplet ou a été modifié.",
    "web_link_expired": "Ce lien a expiré le {date}.",
    "web_alert_missing_title": "Alerte introuvable",
    "web_alert_missing": "Cette alerte n'existe plus.",
    "web_confirmed_title": "Abonnement confirmé",
    "web_confirmed": "Vous recevrez les alertes pour {scope} à l'adresse {email}.",
    "web_inactive_title": "Abonnement inactif",
    "web_inactive": "Cet abonnement a été supprimé ; rien n'a été modifié.",
    "web_unsubscribe_title": "Ne plus recevoir ces e-mails",
    "web_unsubscribe_text": "Appuyez sur le bouton pour ne plus recevoir les alertes sdg87 pour {scope}.",
    "web_unsubscribe_button": "Se désabonner",
    "web_unsubscribed_title": "Désabonnement effectué",
    "web_unsubscribed": "Plus aucune alerte pour {scope} ne sera envoyée à {email}.",
    "web_already_unsubscribed_title": "Déjà désabonné",
    "web_already_unsubscribed": "Cet abonnement avait déjà pris fin : plus rien n'est envoyé à {email} pour {scope}.",
    "web_unknown_unsubscribe": "Ce lien de désabonnement est inconnu.",
    "web_error_outcome": "Choisissez l'un des résultats.",
    "web_error_action_date": "La date n'est pas valide.",
    "web_error_future": "La date est dans le futur.",
    "web_error_cases": "Cas confirmés doit être un nombre entier, 0 ou plus.",
    "web_error_too_long": "Le service ou la note est trop long.",
    "web_error_referral": "Une orientation a besoin de sa date et du service saisi.",
    "web_error_confirmed": "Cas confirmés a besoin du nombre de cas.",
    "web_error_no_action": "Aucune action a besoin d'une brève raison.",
    "web_confirm_title": "Confirmez votre abonnement",
    "web_confirm_text": "Appuyez sur le bouton pour recevoir les alertes sdg87 pour {scope}.",
    "web_confirm_button": "Confirmer",
    "web_link_used": "Ce lien a déjà été utilisé ; rien n'a été modifié.",
    "web_fresh_offer": "Appuyez sur le bouton pour qu'un nouveau lien soit envoyé à l'adresse de cet abonnement.",
    "web_fresh_button": "Envoyer un nouveau lien",
    "web_fresh_title": "Nouveau lien demandé",
    "web_fresh_sent": "Si ce lien appartient à un abonnement actif, un nouveau lien est en route vers l'adresse de cet abonnement.",
    "web_forbidden_title": "Demande refusée",
    "web_forbidden": "Ce formulaire n'a pas été envoyé depuis ce site ou a été modifié. Rouvrez le lien de votre e-mail.",
    "web_error_before_alert": "La date est antérieure à l'envoi de l'alerte.",
    "web_error_cases_range": "Les cas confirmés doivent être un nombre entier de 0 à 100000.",
    "web_too_many": "Trop de demandes depuis votre adresse ; réessayez dans une minute.",
    "mail_fresh_subject": "Votre nouveau lien sdg87 pour {scope}",
    "mail_fresh_body": "Vous avez demandé un nouveau lien. Il expire le {date} :\n\n{url}\n\nSi vous ne l'avez pas demandé, ignorez cet e-mail.",
}

_COUNTRY_EN = {
    "country_subject": "Child-labour estimates changed: {count} {noun} in {scope} ({run_date})",
    "country_noun": "country|countries",
    "country_intro": (
        "The world child-labour estimates (SDG 8.7.1: percent of children aged 5 to 17 in child labour) "
        "were re-run on {run_date}. Since the previous run, {count} {noun} in {scope} changed:"
    ),
    "country_estimate": "{name}: estimate {before} % → {after} % (90 % interval {lo} to {hi} %), reference year {year}",
    "country_type": "{name}: intervention type {before} → {after}",
    "country_type_catalyst": "catalyst",
    "country_type_momentum": "momentum",
    "country_type_inception": "inception",
    "country_type_none": "none (no government-response data)",
    "country_why": (
        "A country is listed when its estimate moved by at least {min_pp} percentage points or its "
        "intervention type changed. Estimates describe countries, never people."
    ),
}

_COUNTRY_PT = {
    "country_subject": "Estimativas de trabalho infantil mudaram: {count} {noun} em {scope} ({run_date})",
    "country_noun": "país|países",
    "country_intro": (
        "As estimativas mundiais de trabalho infantil (ODS 8.7.1: percentual de crianças de 5 a 17 anos "
        "em trabalho infantil) foram recalculadas em {run_date}. Desde o cálculo anterior, {count} {noun} "
        "em {scope} mudaram:"
    ),
    "country_estimate": "{name}: estimativa {before} % → {after} % (intervalo de 90 % de {lo} a {hi} %), ano de referência {year}",
    "country_type": "{name}: tipo de intervenção {before} → {after}",
    "country_type_catalyst": "catalisador",
    "country_type_momentum": "impulso",
    "country_type_inception": "início",
    "country_type_none": "nenhum (sem dados de resposta do governo)",
    "country_why": (
        "Um país é listado quando sua estimativa mudou pelo menos {min_pp} pontos percentuais ou seu "
        "tipo de intervenção mudou. As estimativas descrevem países, nunca pessoas."
    ),
}

_COUNTRY_ES = {
    "country_subject": "Cambiaron las estimaciones de trabajo infantil: {count} {noun} en {scope} ({run_date})",
    "country_noun": "país|países",
    "country_intro": (
        "Las estimaciones mundiales de trabajo infantil (ODS 8.7.1: porcentaje de niños y niñas de 5 a 17 "
        "años en trabajo infantil) se recalcularon el {run_date}. Desde el cálculo anterior, cambiaron "
        "{count} {noun} en {scope}:"
    ),
    "country_estimate": "{name}: estimación {before} % → {after} % (intervalo del 90 % de {lo} a {hi} %), año de referencia {year}",
    "country_type": "{name}: tipo de intervención {before} → {after}",
    "country_type_catalyst": "catalizador",
    "country_type_momentum": "impulso",
    "country_type_inception": "inicio",
    "country_type_none": "ninguno (sin datos de respuesta del gobierno)",
    "country_why": (
        "Un país aparece cuando su estimación se movió al menos {min_pp} puntos porcentuales o cambió su "
        "tipo de intervención. Las estimaciones describen países, nunca personas."
    ),
}

_COUNTRY_FR = {
    "country_subject": "Estimations du travail des enfants modifiées : {count} {noun} dans {scope} ({run_date})",
    "country_noun": "pays|pays",
    "country_intro": (
        "Les estimations mondiales du travail des enfants (ODD 8.7.1 : pourcentage des enfants de 5 à 17 "
        "ans astreints au travail) ont été recalculées le {run_date}. Depuis le calcul précédent, {count} "
        "{noun} dans {scope} ont changé :"
    ),
    "country_estimate": "{name} : estimation {before} % → {after} % (intervalle à 90 % de {lo} à {hi} %), année de référence {year}",
    "country_type": "{name} : type d'intervention {before} → {after}",
    "country_type_catalyst": "catalyseur",
    "country_type_momentum": "élan",
    "country_type_inception": "amorce",
    "country_type_none": "aucun (pas de données sur la réponse des pouvoirs publics)",
    "country_why": (
        "Un pays figure ici quand son estimation a bougé d'au moins {min_pp} points de pourcentage ou que "
        "son type d'intervention a changé. Les estimations décrivent des pays, jamais des personnes."
    ),
}

_EN = {**_EN, **_WEB_EN, **_COUNTRY_EN}
_PT = {**_PT, **_WEB_PT, **_COUNTRY_PT}
_ES = {**_ES, **_WEB_ES, **_COUNTRY_ES}
_FR = {**_FR, **_WEB_FR, **_COUNTRY_FR}

CATALOG = {"en": _EN, "pt": _PT, "es": _ES, "fr": _FR}


def texts(language: str | None) -> dict[str, str]:
    """The catalogue of ``language`` (``en``, ``pt``, ``es``, ``fr``); anything else gets English."""
    return CATALOG.get((language or "en").lower(), _EN)


def plural(catalog: dict[str, str], key: str, count: int) -> str:
    """``singular|plural`` entries: the form for ``count``."""
    singular, _, many = catalog[key].partition("|")
    return singular if count == 1 else (many or singular)


def negotiate(accept_language: str | None) -> str:
    """The language of :data:`LANGUAGES` a browser prefers most, from its ``Accept-Language`` header
    (``pt-BR,pt;q=0.9,en;q=0.8``); English when none is offered or the header is malformed."""
    ranked = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
        try:
            weight = float(quality)
        except ValueError:
            continue
        primary = tag.strip().split("-")[0].lower()
        if primary in LANGUAGES and weight > 0:
            ranked.append((-weight, position, primary))
    return min(ranked)[2] if ranked else "en"
