/**
 * GitHub emoji shortcodes (`:tada:`) to the character. A small built-in table
 * of the ones docs use, instead of a 200 kB package; an unknown shortcode stays
 * as typed, which is what GitHub shows too.
 */
const EMOJI: Readonly<Record<string, string>> = {
  '+1': '👍', thumbsup: '👍', '-1': '👎', thumbsdown: '👎', tada: '🎉', rocket: '🚀', warning: '⚠️',
  white_check_mark: '✅', heavy_check_mark: '✔️', check: '✔️', x: '❌', no_entry: '⛔', no_entry_sign: '🚫',
  construction: '🚧', bulb: '💡', memo: '📝', pencil: '📝', pencil2: '✏️', book: '📖', books: '📚',
  bookmark: '🔖', link: '🔗', lock: '🔒', unlock: '🔓', key: '🔑', closed_lock_with_key: '🔐', bug: '🐛',
  fire: '🔥', sparkles: '✨', star: '⭐', star2: '🌟', zap: '⚡', boom: '💥', heart: '❤️', broken_heart: '💔',
  smile: '😄', smiley: '😃', grin: '😁', laughing: '😆', wink: '😉', blush: '😊', slightly_smiling_face: '🙂',
  thinking: '🤔', thinking_face: '🤔', confused: '😕', cry: '😢', sob: '😭', scream: '😱', sweat_smile: '😅',
  joy: '😂', sunglasses: '😎', eyes: '👀', wave: '👋', clap: '👏', pray: '🙏', muscle: '💪', ok_hand: '👌',
  point_right: '👉', point_left: '👈', point_up: '☝️', point_down: '👇', raised_hands: '🙌',
  information_source: 'ℹ️', question: '❓', grey_question: '❔', exclamation: '❗', heavy_exclamation_mark: '❗',
  bangbang: '‼️', stop_sign: '🛑', red_circle: '🔴', large_blue_circle: '🔵', green_circle: '🟢',
  yellow_circle: '🟡', white_circle: '⚪', black_circle: '⚫', arrow_right: '➡️', arrow_left: '⬅️',
  arrow_up: '⬆️', arrow_down: '⬇️', recycle: '♻️', hourglass: '⌛', hourglass_flowing_sand: '⏳',
  alarm_clock: '⏰', calendar: '📆', date: '📅', clipboard: '📋', pushpin: '📌', paperclip: '📎',
  mag: '🔍', wrench: '🔧', hammer: '🔨', hammer_and_wrench: '🛠️', gear: '⚙️', package: '📦', truck: '🚚',
  chart_with_upwards_trend: '📈', chart_with_downwards_trend: '📉', bar_chart: '📊', computer: '💻',
  email: '📧', envelope: '✉️', inbox_tray: '📥', outbox_tray: '📤', file_folder: '📁', open_file_folder: '📂',
  page_facing_up: '📄', lipstick: '💄', art: '🎨', rotating_light: '🚨', shield: '🛡️', skull: '💀',
  100: '💯', heavy_plus_sign: '➕', heavy_minus_sign: '➖', new: '🆕', ok: '🆗', free: '🆓', sos: '🆘',
  trophy: '🏆', medal_sports: '🏅', dart: '🎯', coffee: '☕', beer: '🍺', pizza: '🍕', cake: '🍰',
  sun_with_face: '🌞', sunny: '☀️', cloud: '☁️', umbrella: '☔', snowflake: '❄️', globe_with_meridians: '🌐',
  earth_africa: '🌍', earth_americas: '🌎', earth_asia: '🌏', money_with_wings: '💸', moneybag: '💰',
  speech_balloon: '💬', thought_balloon: '💭', loudspeaker: '📢', mega: '📣', bell: '🔔', no_bell: '🔕',
  see_no_evil: '🙈', hear_no_evil: '🙉', speak_no_evil: '🙊', robot: '🤖', ghost: '👻', alien: '👽',
  heavy_multiplication_x: '✖️', ballot_box_with_check: '☑️', radio_button: '🔘', triangular_flag_on_post: '🚩',
  checkered_flag: '🏁', white_flag: '🏳️', label: '🏷️', bricks: '🧱', test_tube: '🧪', microscope: '🔬',
  stopwatch: '⏱️', timer_clock: '⏲️', zzz: '💤', poop: '💩', hankey: '💩',
};

const SHORTCODE = /:([a-z0-9_+-]+):/g;

/** Replace every known `:shortcode:` in plain text. */
export function replaceEmoji(text: string): string {
  if (!text.includes(':')) return text;
  return text.replace(SHORTCODE, (whole, name: string) => EMOJI[name] ?? whole);
}
