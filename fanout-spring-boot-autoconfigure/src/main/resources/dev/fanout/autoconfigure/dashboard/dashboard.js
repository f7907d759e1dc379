// Actions post JSON, as the admin API requires of every request that changes something.
htmx.defineExtension('fanout-json', {
  onEvent: function (name, event) {
    if (name === 'htmx:configRequest') {
      event.detail.headers['Content-Type'] = 'application/json';
    }
  },
  encodeParameters: function (xhr, parameters) {
    xhr.overrideMimeType('text/html');
    var body = {};
    parameters.forEach(function (value, key) { body[key] = value; });
    return JSON.stringify(body);
  }
});
