import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 28728:
/***/ (function(module, __unused_webpack_exports, __nccwpck_require__) {

/* @license
Papa Parse
v5.7.1
https://github.com/mholt/PapaParse
License: MIT
*/

(function(root, factory)
{
	/* globals define */
	if (typeof define === 'function' && define.amd)
	{
		// AMD. Register as an anonymous module.
		define([], factory);
	}
	else if (true)
	{
		// Node. Does not work with strict CommonJS, but
		// only CommonJS-like environments that support module.exports,
		// like Node.
		module.exports = factory();
	}
	else
	{}
	// in strict mode we cannot access arguments.callee, so we need a named reference to
	// stringify the factory method for the blob worker
	// eslint-disable-next-line func-name
}(this, function moduleFactory()
{
	'use strict';

	var global = (function() {
		// alternative method, similar to `Function('return this')()`
		// but without using `eval` (which is disabled when
		// using Content Security Policy).

		if (typeof self !== 'undefined') { return self; }
		if (typeof window !== 'undefined') { return window; }
		if (typeof global !== 'undefined') { return global; }

		// When running tests none of the above have been defined
		return {};
	})();


	function getWorkerBlob() {
		var URL = global.URL || global.webkitURL || null;
		var code = moduleFactory.toString();
		return Papa.BLOB_URL || (Papa.BLOB_URL = URL.createObjectURL(new Blob(["var global = (function() { if (typeof self !== 'undefined') { return self; } if (typeof window !== 'undefined') { return window; } if (typeof global !== 'undefined') { return global; } return {}; })(); global.IS_PAPA_WORKER=true; ", '(', code, ')();'], {type: 'text/javascript'})));
	}

	var IS_WORKER = !global.document && !!global.postMessage,
		IS_PAPA_WORKER = global.IS_PAPA_WORKER || false;

	var workers = {}, workerIdCounter = 0;

	var Papa = {};

	Papa.parse = CsvToJson;
	Papa.unparse = JsonToCsv;

	Papa.RECORD_SEP = String.fromCharCode(30);
	Papa.UNIT_SEP = String.fromCharCode(31);
	Papa.BYTE_ORDER_MARK = '\ufeff';
	Papa.BAD_DELIMITERS = ['\r', '\n', '"', Papa.BYTE_ORDER_MARK];
	Papa.WORKERS_SUPPORTED = !IS_WORKER && !!global.Worker;
	Papa.NODE_STREAM_INPUT = 1;

	// Configurable chunk sizes for local and remote files, respectively
	Papa.LocalChunkSize = 1024 * 1024 * 10;	// 10 MB
	Papa.RemoteChunkSize = 1024 * 1024 * 5;	// 5 MB
	Papa.DefaultDelimiter = ',';			// Used if not specified and detection fails

	// Exposed for testing and development only
	Papa.Parser = Parser;
	Papa.ParserHandle = ParserHandle;
	Papa.NetworkStreamer = NetworkStreamer;
	Papa.FileStreamer = FileStreamer;
	Papa.StringStreamer = StringStreamer;
	Papa.ReadableStreamStreamer = ReadableStreamStreamer;
	if (typeof PAPA_BROWSER_CONTEXT === 'undefined') {
		Papa.DuplexStreamStreamer = DuplexStreamStreamer;
	}

	if (IS_PAPA_WORKER)
	{
		global.onmessage = workerThreadReceivedMessage;
	}

	// Strip character from UTF-8 BOM encoded files that cause issue parsing the file
	function stripBom(string) {
		if (string.charCodeAt(0) === 0xfeff) {
			return string.slice(1);
		}
		return string;
	}

	function CsvToJson(_input, _config)
	{
		_config = _config || {};
		var dynamicTyping = _config.dynamicTyping || false;
		if (isFunction(dynamicTyping)) {
			_config.dynamicTypingFunction = dynamicTyping;
			// Will be filled on first row call
			dynamicTyping = {};
		}
		_config.dynamicTyping = dynamicTyping;

		_config.transform = isFunction(_config.transform) ? _config.transform : false;

		if (_config.downloadTimeout !== undefined)
		{
			var downloadTimeout = parseInt(_config.downloadTimeout);
			if (isNaN(downloadTimeout))
			{
				throw new Error('Config downloadTimeout value (' + _config.downloadTimeout + ') not parsable by parseInt(val).');
			}
			_config.downloadTimeout = downloadTimeout;
		}

		if (_config.worker && Papa.WORKERS_SUPPORTED)
		{
			var w = newWorker();

			w.userStep = _config.step;
			w.userChunk = _config.chunk;
			w.userComplete = _config.complete;
			w.userError = _config.error;

			_config.step = isFunction(_config.step);
			_config.chunk = isFunction(_config.chunk);
			_config.complete = isFunction(_config.complete);
			_config.error = isFunction(_config.error);
			delete _config.worker;	// prevent infinite loop

			w.postMessage({
				input: _input,
				config: _config,
				workerId: w.id
			});

			return;
		}

		var streamer = null;
		if (_input === Papa.NODE_STREAM_INPUT && typeof PAPA_BROWSER_CONTEXT === 'undefined')
		{
			// create a node Duplex stream for use
			// with .pipe
			streamer = new DuplexStreamStreamer(_config);
			return streamer.getStream();
		}
		else if (typeof _input === 'string')
		{
			_input = stripBom(_input);
			if (_config.download)
				streamer = new NetworkStreamer(_config);
			else
				streamer = new StringStreamer(_config);
		}
		else if (_input.readable === true && isFunction(_input.read) && isFunction(_input.on))
		{
			streamer = new ReadableStreamStreamer(_config);
		}
		else if ((global.File && _input instanceof File) || _input instanceof Object)	// ...Safari. (see issue #106)
			streamer = new FileStreamer(_config);

		return streamer.stream(_input);
	}






	function JsonToCsv(_input, _config)
	{
		// Default configuration

		/** whether to surround every datum with quotes */
		var _quotes = false;

		/** whether to write headers */
		var _writeHeader = true;

		/** delimiting character(s) */
		var _delimiter = ',';

		/** newline character(s) */
		var _newline = '\r\n';

		/** quote character */
		var _quoteChar = '"';

		/** escaped quote character, either "" or <config.escapeChar>" */
		var _escapedQuote = _quoteChar + _quoteChar;

		/** whether to skip empty lines */
		var _skipEmptyLines = false;

		/** the columns (keys) we expect when we unparse objects */
		var _columns = null;

		/** whether to prevent outputting cells that can be parsed as formulae by spreadsheet software (Excel and LibreOffice) */
		var _escapeFormulae = false;

		unpackConfig();

		var quoteCharRegex = new RegExp(escapeRegExp(_quoteChar), 'g');

		if (typeof _input === 'string')
			_input = JSON.parse(_input);

		if (Array.isArray(_input))
		{
			if (!_input.length)
				return serialize(_columns, _input, _skipEmptyLines);
			else if (Array.isArray(_input[0]))
				return serialize(null, _input, _skipEmptyLines);
			else if (typeof _input[0] === 'object')
				return serialize(_columns || Object.keys(_input[0]), _input, _skipEmptyLines);
		}
		else if (typeof _input === 'object')
		{
			if (typeof _input.data === 'string')
				_input.data = JSON.parse(_input.data);

			if (Array.isArray(_input.data))
			{
				if (!_input.fields)
					_input.fields = _input.meta && _input.meta.fields || _columns;

				if (!_input.fields)
					_input.fields =  Array.isArray(_input.data[0])
						? _input.fields
						: typeof _input.data[0] === 'object'
							? Object.keys(_input.data[0])
							: [];

				if (!(Array.isArray(_input.data[0])) && typeof _input.data[0] !== 'object')
					_input.data = [_input.data];	// handles input like [1,2,3] or ['asdf']
			}

			return serialize(_input.fields || [], _input.data || [], _skipEmptyLines);
		}

		// Default (any valid paths should return before this)
		throw new Error('Unable to serialize unrecognized input');


		function unpackConfig()
		{
			if (typeof _config !== 'object')
				return;

			if (typeof _config.delimiter === 'string'
                && !Papa.BAD_DELIMITERS.filter(function(value) { return _config.delimiter.indexOf(value) !== -1; }).length)
			{
				_delimiter = _config.delimiter;
			}

			if (typeof _config.quotes === 'boolean'
				|| typeof _config.quotes === 'function'
				|| Array.isArray(_config.quotes))
				_quotes = _config.quotes;

			if (typeof _config.skipEmptyLines === 'boolean'
				|| typeof _config.skipEmptyLines === 'string')
				_skipEmptyLines = _config.skipEmptyLines;

			if (typeof _config.newline === 'string')
				_newline = _config.newline;

			if (typeof _config.quoteChar === 'string') {
				_quoteChar = _config.quoteChar;
				_escapedQuote = _quoteChar + _quoteChar;
			}

			if (typeof _config.header === 'boolean')
				_writeHeader = _config.header;

			if (Array.isArray(_config.columns)) {

				if (_config.columns.length === 0) throw new Error('Option columns is empty');

				_columns = _config.columns;
			}

			if (_config.escapeChar !== undefined) {
				_escapedQuote = _config.escapeChar + _quoteChar;
			}

			if (_config.escapeFormulae instanceof RegExp) {
				_escapeFormulae = _config.escapeFormulae;
			} else if (typeof _config.escapeFormulae === 'boolean' && _config.escapeFormulae) {
				_escapeFormulae =  /^[=+\-@\t\r].*$/;
			}
		}

		/** The double for loop that iterates the data and writes out a CSV string including header row */
		function serialize(fields, data, skipEmptyLines)
		{
			var csv = '';

			if (typeof fields === 'string')
				fields = JSON.parse(fields);
			if (typeof data === 'string')
				data = JSON.parse(data);

			var hasHeader = Array.isArray(fields) && fields.length > 0;
			var dataKeyedByField = !(Array.isArray(data[0]));

			// If there a header row, write it first
			if (hasHeader && _writeHeader)
			{
				for (var i = 0; i < fields.length; i++)
				{
					if (i > 0)
						csv += _delimiter;
					csv += safe(fields[i], i);
				}
				if (data.length > 0)
					csv += _newline;
			}

			// Then write out the data
			for (var row = 0; row < data.length; row++)
			{
				var maxCol = hasHeader ? fields.length : data[row].length;

				var emptyLine = false;
				var nullLine = hasHeader ? Object.keys(data[row]).length === 0 : data[row].length === 0;
				if (skipEmptyLines && !hasHeader)
				{
					emptyLine = skipEmptyLines === 'greedy' ? data[row].join('').trim() === '' : data[row].length === 1 && (data[row][0] === null || data[row][0] === undefined || data[row][0].length === 0);
				}
				if (skipEmptyLines === 'greedy' && hasHeader) {
					var line = [];
					for (var c = 0; c < maxCol; c++) {
						var cx = dataKeyedByField ? fields[c] : c;
						line.push(data[row][cx]);
					}
					emptyLine = line.join('').trim() === '';
				}
				if (!emptyLine)
				{
					for (var col = 0; col < maxCol; col++)
					{
						if (col > 0 && !nullLine)
							csv += _delimiter;
						var colIdx = hasHeader && dataKeyedByField ? fields[col] : col;
						csv += safe(data[row][colIdx], col);
					}
					if (row < data.length - 1 && (!skipEmptyLines || (maxCol > 0 && !nullLine)))
					{
						csv += _newline;
					}
				}
			}
			return csv;
		}

		/** Encloses a value around quotes if needed (makes a value safe for CSV insertion) */
		function safe(str, col)
		{
			if (typeof str === 'undefined' || str === null)
				return '';

			if (str.constructor === Date)
			{
				// Return empty string for invalid dates
				if (isNaN(str.getTime()))
					return '';
				return str.toISOString();
			}

			var needsQuotes = false;
			var strValue = str.toString();

			// Exclude numeric and boolean primitives, but check the serialized text of objects.
			if (_escapeFormulae && typeof str !== 'number' && typeof str !== 'bigint' // eslint-disable-line valid-typeof
				&& typeof str !== 'boolean' && _escapeFormulae.test(strValue)) {
				strValue = "'" + strValue;
				str = strValue;
				needsQuotes = true;
			}
			var escapedQuoteStr = strValue.replace(quoteCharRegex, _escapedQuote);

			needsQuotes = needsQuotes
							|| _quotes === true
							|| (typeof _quotes === 'function' && _quotes(str, col))
							|| (Array.isArray(_quotes) && _quotes[col])
							|| hasAny(escapedQuoteStr, Papa.BAD_DELIMITERS)
							|| escapedQuoteStr.indexOf(_delimiter) > -1
							|| strValue.indexOf(_quoteChar) > -1
							|| escapedQuoteStr.charAt(0) === ' '
							|| escapedQuoteStr.charAt(escapedQuoteStr.length - 1) === ' ';

			return needsQuotes ? _quoteChar + escapedQuoteStr + _quoteChar : escapedQuoteStr;
		}

		function hasAny(str, substrings)
		{
			for (var i = 0; i < substrings.length; i++)
				if (str.indexOf(substrings[i]) > -1)
					return true;
			return false;
		}
	}


	/** ChunkStreamer is the base prototype for various streamer implementations. */
	function ChunkStreamer(config)
	{
		this._handle = null;
		this._finished = false;
		this._completed = false;
		this._halted = false;
		this._input = null;
		this._baseIndex = 0;
		this._partialLine = '';
		this._rowCount = 0;
		this._start = 0;
		this._nextChunk = null;
		this.isFirstChunk = true;
		this._completeResults = {
			data: [],
			errors: [],
			meta: {}
		};
		replaceConfig.call(this, config);

		this.parseChunk = function(chunk, isFakeChunk)
		{
			// First chunk pre-processing
			const skipFirstNLines = parseInt(this._config.skipFirstNLines) || 0;
			if (this.isFirstChunk && skipFirstNLines > 0) {
				let _newline = this._config.newline;
				if (!_newline) {
					const quoteChar = this._config.quoteChar || '"';
					_newline = this._handle.guessLineEndings(chunk, quoteChar);
				}
				const splitChunk = chunk.split(_newline);
				chunk = [...splitChunk.slice(skipFirstNLines)].join(_newline);
			}
			if (this.isFirstChunk && isFunction(this._config.beforeFirstChunk))
			{
				var modifiedChunk = this._config.beforeFirstChunk(chunk);
				if (modifiedChunk !== undefined)
					chunk = modifiedChunk;
			}
			this.isFirstChunk = false;
			this._halted = false;

			// Rejoin the line we likely just split in two by chunking the file
			var aggregate = this._partialLine + chunk;
			this._partialLine = '';
			var results = this._handle.parse(aggregate, this._baseIndex, !this._finished);

			if (this._handle.paused() || this._handle.aborted()) {
				this._halted = true;
				return;
			}

			var lastIndex = results.meta.cursor;

			if (!this._finished)
			{
				this._partialLine = aggregate.substring(lastIndex - this._baseIndex);
				this._baseIndex = lastIndex;
			}

			if (results && results.data)
				this._rowCount += results.data.length;

			var finishedIncludingPreview = this._finished || (this._config.preview && this._rowCount >= this._config.preview);

			if (IS_PAPA_WORKER)
			{
				global.postMessage({
					results: results,
					workerId: Papa.WORKER_ID,
					finished: finishedIncludingPreview
				});
			}
			else if (isFunction(this._config.chunk) && !isFakeChunk)
			{
				this._config.chunk(results, this._handle);
				if (this._handle.paused() || this._handle.aborted()) {
					this._halted = true;
					return;
				}
				results = undefined;
				this._completeResults = undefined;
			}

			if (!this._config.step && !this._config.chunk) {
				this._completeResults.data = this._completeResults.data.concat(results.data);
				this._completeResults.errors = this._completeResults.errors.concat(results.errors);
				this._completeResults.meta = results.meta;
			}

			if (!this._completed && finishedIncludingPreview && isFunction(this._config.complete) && (!results || !results.meta.aborted)) {
				this._config.complete(this._completeResults, this._input);
				this._completed = true;
			}

			if (!finishedIncludingPreview && (!results || !results.meta.paused))
				this._nextChunk();

			return results;
		};

		this._sendError = function(error)
		{
			if (isFunction(this._config.error))
				this._config.error(error);
			else if (IS_PAPA_WORKER && this._config.error)
			{
				global.postMessage({
					workerId: Papa.WORKER_ID,
					error: error,
					finished: false
				});
			}
		};

		function replaceConfig(config)
		{
			// Deep-copy the config so we can edit it
			var configCopy = copy(config);
			configCopy.chunkSize = parseInt(configCopy.chunkSize);	// parseInt VERY important so we don't concatenate strings!
			if (!config.step && !config.chunk)
				configCopy.chunkSize = null;  // disable Range header if not streaming; bad values break IIS - see issue #196
			this._handle = new ParserHandle(configCopy);
			this._handle.streamer = this;
			this._config = configCopy;	// persist the copy to the caller
		}
	}


	function NetworkStreamer(config)
	{
		config = config || {};
		if (!config.chunkSize)
			config.chunkSize = Papa.RemoteChunkSize;
		ChunkStreamer.call(this, config);

		var xhr;

		if (IS_WORKER)
		{
			this._nextChunk = function()
			{
				this._readChunk();
				this._chunkLoaded();
			};
		}
		else
		{
			this._nextChunk = function()
			{
				this._readChunk();
			};
		}

		this.stream = function(url)
		{
			this._input = url;
			this._nextChunk();	// Starts streaming
		};

		this._readChunk = function()
		{
			if (this._finished)
			{
				this._chunkLoaded();
				return;
			}

			xhr = new XMLHttpRequest();

			if (this._config.withCredentials)
			{
				xhr.withCredentials = this._config.withCredentials;
			}

			if (!IS_WORKER)
			{
				xhr.onload = bindFunction(this._chunkLoaded, this);
				xhr.onerror = bindFunction(this._chunkError, this);
			}

			xhr.ontimeout = bindFunction(this._chunkTimeout, this);

			xhr.open(this._config.downloadRequestBody ? 'POST' : 'GET', this._input, !IS_WORKER);
			// Timeout is only supported for asynchronous requests
			if (this._config.downloadTimeout && !IS_WORKER)
			{
				xhr.timeout = this._config.downloadTimeout;
			}
			// Headers can only be set when once the request state is OPENED
			if (this._config.downloadRequestHeaders)
			{
				var headers = this._config.downloadRequestHeaders;

				for (var headerName in headers)
				{
					xhr.setRequestHeader(headerName, headers[headerName]);
				}
			}

			if (this._config.chunkSize)
			{
				var end = this._start + this._config.chunkSize - 1;	// minus one because byte range is inclusive
				xhr.setRequestHeader('Range', 'bytes=' + this._start + '-' + end);
			}

			try {
				xhr.send(this._config.downloadRequestBody);
			}
			catch (err) {
				this._chunkError(err.message);
			}

			if (IS_WORKER && xhr.status === 0)
				this._chunkError();
		};

		this._chunkLoaded = function()
		{
			if (xhr.readyState !== 4)
				return;

			if (xhr.status < 200 || xhr.status >= 400)
			{
				this._chunkError();
				return;
			}

			// Use chunckSize as it may be a diference on reponse lentgh due to characters with more than 1 byte
			this._start += this._config.chunkSize ? this._config.chunkSize : xhr.responseText.length;
			this._finished = !this._config.chunkSize || this._start >= getFileSize(xhr);
			this.parseChunk(xhr.responseText);
		};

		this._chunkError = function(errorMessage)
		{
			var errorText = xhr.statusText || errorMessage;
			this._sendError(new Error(errorText));
		};

		this._chunkTimeout = function()
		{
			this._chunkError('Request timed out after ' + this._config.downloadTimeout + 'ms');
		};

		function getFileSize(xhr)
		{
			var contentRange = xhr.getResponseHeader('Content-Range');
			if (contentRange === null) { // no content range, then finish!
				return -1;
			}
			return parseInt(contentRange.substring(contentRange.lastIndexOf('/') + 1));
		}
	}
	NetworkStreamer.prototype = Object.create(ChunkStreamer.prototype);
	NetworkStreamer.prototype.constructor = NetworkStreamer;


	function FileStreamer(config)
	{
		config = config || {};
		if (!config.chunkSize)
			config.chunkSize = Papa.LocalChunkSize;
		ChunkStreamer.call(this, config);

		var reader, slice;

		// FileReader is better than FileReaderSync (even in worker) - see http://stackoverflow.com/q/24708649/1048862
		// But Firefox is a pill, too - see issue #76: https://github.com/mholt/PapaParse/issues/76
		var usingAsyncReader = typeof FileReader !== 'undefined';	// Safari doesn't consider it a function - see issue #105

		this.stream = function(file)
		{
			this._input = file;
			slice = file.slice || file.webkitSlice || file.mozSlice;

			if (usingAsyncReader)
			{
				reader = new FileReader();		// Preferred method of reading files, even in workers
				reader.onload = bindFunction(this._chunkLoaded, this);
				reader.onerror = bindFunction(this._chunkError, this);
			}
			else
				reader = new FileReaderSync();	// Hack for running in a web worker in Firefox

			this._nextChunk();	// Starts streaming
		};

		this._nextChunk = function()
		{
			if (!this._finished && (!this._config.preview || this._rowCount < this._config.preview))
				this._readChunk();
		};

		this._readChunk = function()
		{
			var input = this._input;
			if (this._config.chunkSize)
			{
				var end = Math.min(this._start + this._config.chunkSize, this._input.size);
				input = slice.call(input, this._start, end);
			}
			var txt = reader.readAsText(input, this._config.encoding);
			if (!usingAsyncReader)
				this._chunkLoaded({ target: { result: txt } });	// mimic the async signature
		};

		this._chunkLoaded = function(event)
		{
			// Very important to increment start each time before handling results
			this._start += this._config.chunkSize;
			this._finished = !this._config.chunkSize || this._start >= this._input.size;
			this.parseChunk(event.target.result);
		};

		this._chunkError = function()
		{
			this._sendError(reader.error);
		};

	}
	FileStreamer.prototype = Object.create(ChunkStreamer.prototype);
	FileStreamer.prototype.constructor = FileStreamer;


	function StringStreamer(config)
	{
		config = config || {};
		ChunkStreamer.call(this, config);

		var remaining;
		this.stream = function(s)
		{
			remaining = s;
			return this._nextChunk();
		};
		this._nextChunk = function()
		{
			if (this._finished) return;
			var size = this._config.chunkSize;
			var chunk;
			if(size) {
				chunk = remaining.substring(0, size);
				remaining = remaining.substring(size);
			} else {
				chunk = remaining;
				remaining = '';
			}
			this._finished = !remaining;
			return this.parseChunk(chunk);
		};
	}
	StringStreamer.prototype = Object.create(StringStreamer.prototype);
	StringStreamer.prototype.constructor = StringStreamer;


	function ReadableStreamStreamer(config)
	{
		config = config || {};

		ChunkStreamer.call(this, config);

		var queue = [];
		var parseOnData = true;
		var streamHasEnded = false;

		this.pause = function()
		{
			ChunkStreamer.prototype.pause.apply(this, arguments);
			this._input.pause();
		};

		this.resume = function()
		{
			ChunkStreamer.prototype.resume.apply(this, arguments);
			this._input.resume();
		};

		this.stream = function(stream)
		{
			this._input = stream;

			this._input.on('data', this._streamData);
			this._input.on('end', this._streamEnd);
			this._input.on('error', this._streamError);
		};

		this._checkIsFinished = function()
		{
			if (streamHasEnded && queue.length === 1) {
				this._finished = true;
			}
		};

		this._nextChunk = function()
		{
			this._checkIsFinished();
			if (queue.length)
			{
				this.parseChunk(queue.shift());
			}
			else
			{
				parseOnData = true;
			}
		};

		this._streamData = bindFunction(function(chunk)
		{
			try
			{
				queue.push(typeof chunk === 'string' ? chunk : chunk.toString(this._config.encoding));

				if (parseOnData)
				{
					parseOnData = false;
					this._checkIsFinished();
					this.parseChunk(queue.shift());
				}
			}
			catch (error)
			{
				this._streamError(error);
			}
		}, this);

		this._streamError = bindFunction(function(error)
		{
			this._streamCleanUp();
			this._sendError(error);
		}, this);

		this._streamEnd = bindFunction(function()
		{
			this._streamCleanUp();
			streamHasEnded = true;
			this._streamData('');
		}, this);

		this._streamCleanUp = bindFunction(function()
		{
			this._input.removeListener('data', this._streamData);
			this._input.removeListener('end', this._streamEnd);
			this._input.removeListener('error', this._streamError);
		}, this);
	}
	ReadableStreamStreamer.prototype = Object.create(ChunkStreamer.prototype);
	ReadableStreamStreamer.prototype.constructor = ReadableStreamStreamer;


	function DuplexStreamStreamer(_config) {
		var Duplex = (__nccwpck_require__(2203).Duplex);
		var config = copy(_config);
		var parseOnWrite = true;
		var writeStreamHasFinished = false;
		var parseCallbackQueue = [];
		var stream = null;

		this._onCsvData = function(results)
		{
			var data = results.data;
			if (!stream.push(data) && !this._handle.paused()) {
				// the writeable consumer buffer has filled up
				// so we need to pause until more items
				// can be processed
				this._handle.pause();
			}
		};

		this._onCsvComplete = function()
		{
			// node will finish the read stream when
			// null is pushed
			stream.push(null);
		};

		config.step = bindFunction(this._onCsvData, this);
		config.complete = bindFunction(this._onCsvComplete, this);
		ChunkStreamer.call(this, config);

		this._nextChunk = function()
		{
			if (writeStreamHasFinished && parseCallbackQueue.length === 1) {
				this._finished = true;
			}
			if (parseCallbackQueue.length) {
				parseCallbackQueue.shift()();
			} else {
				parseOnWrite = true;
			}
		};

		this._addToParseQueue = function(chunk, callback)
		{
			// add to queue so that we can indicate
			// completion via callback
			// node will automatically pause the incoming stream
			// when too many items have been added without their
			// callback being invoked
			parseCallbackQueue.push(bindFunction(function() {
				this.parseChunk(typeof chunk === 'string' ? chunk : chunk.toString(config.encoding));
				if (isFunction(callback)) {
					return callback();
				}
			}, this));
			if (parseOnWrite) {
				parseOnWrite = false;
				this._nextChunk();
			}
		};

		this._onRead = function()
		{
			if (this._handle.paused()) {
				// the writeable consumer can handle more data
				// so resume the chunk parsing
				this._handle.resume();
			}
		};

		this._onWrite = function(chunk, encoding, callback)
		{
			this._addToParseQueue(chunk, callback);
		};

		this._onWriteComplete = function()
		{
			writeStreamHasFinished = true;
			// have to write empty string
			// so parser knows its done
			this._addToParseQueue('');
		};

		this.getStream = function()
		{
			return stream;
		};
		stream = new Duplex({
			readableObjectMode: true,
			decodeStrings: false,
			read: bindFunction(this._onRead, this),
			write: bindFunction(this._onWrite, this)
		});
		stream.once('finish', bindFunction(this._onWriteComplete, this));
	}
	if (typeof PAPA_BROWSER_CONTEXT === 'undefined') {
		DuplexStreamStreamer.prototype = Object.create(ChunkStreamer.prototype);
		DuplexStreamStreamer.prototype.constructor = DuplexStreamStreamer;
	}


	// Use one ParserHandle per entire CSV file or string
	function ParserHandle(_config)
	{
		// One goal is to minimize the use of regular expressions...
		var MAX_FLOAT = Math.pow(2, 53);
		var MIN_FLOAT = -MAX_FLOAT;
		var FLOAT = /^\s*-?(\d+\.?|\.\d+|\d+\.\d+)([eE][-+]?\d+)?\s*$/;
		var ISO_DATE = /^((\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d\.\d+([+-][0-2]\d:[0-5]\d|Z))|(\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d:[0-5]\d([+-][0-2]\d:[0-5]\d|Z))|(\d{4}-[01]\d-[0-3]\dT[0-2]\d:[0-5]\d([+-][0-2]\d:[0-5]\d|Z)))$/;
		var self = this;
		var _stepCounter = 0;	// Number of times step was called (number of rows parsed)
		var _rowCounter = 0;	// Number of rows that have been parsed so far
		var _input;				// The input being parsed
		var _parser;			// The core parser being used
		var _paused = false;	// Whether we are paused or not
		var _aborted = false;	// Whether the parser has aborted or not
		var _delimiterError;	// Temporary state between delimiter detection and processing results
		var _fields = [];		// Fields are from the header row of the input, if there is one
		var _results = {		// The last results returned from the parser
			data: [],
			errors: [],
			meta: {}
		};

		if (isFunction(_config.step))
		{
			var userStep = _config.step;
			_config.step = function(results)
			{
				_results = results;

				if (needsHeaderRow())
					processResults();
				else	// only call user's step function after header row
				{
					processResults();

					// It's possbile that this line was empty and there's no row here after all
					if (_results.data.length === 0)
						return;

					_stepCounter += results.data.length;
					if (_config.preview && _stepCounter > _config.preview)
						_parser.abort();
					else {
						_results.data = _results.data[0];
						userStep(_results, self);
					}
				}
			};
		}

		/**
		 * Parses input. Most users won't need, and shouldn't mess with, the baseIndex
		 * and ignoreLastRow parameters. They are used by streamers (wrapper functions)
		 * when an input comes in multiple chunks, like from a file.
		 */
		this.parse = function(input, baseIndex, ignoreLastRow)
		{
			var quoteChar = _config.quoteChar || '"';
			if (!_config.newline)
				_config.newline = this.guessLineEndings(input, quoteChar);

			_delimiterError = false;
			if (!_config.delimiter)
			{
				var delimGuess = guessDelimiter(input, _config.newline, _config.skipEmptyLines, _config.comments, _config.delimitersToGuess);
				if (delimGuess.successful)
					_config.delimiter = delimGuess.bestDelimiter;
				else
				{
					_delimiterError = true;	// add error after parsing (otherwise it would be overwritten)
					_config.delimiter = Papa.DefaultDelimiter;
				}
				_results.meta.delimiter = _config.delimiter;
			}
			else if(isFunction(_config.delimiter))
			{
				_config.delimiter = _config.delimiter(input);
				_results.meta.delimiter = _config.delimiter;
			}

			var parserConfig = copy(_config);
			// Tell the parser the header instead of reguessing on each chunk
			parserConfig.header = needsHeaderRow();
			if (_config.preview && _config.header)
				parserConfig.preview++;	// to compensate for header row

			_input = input;
			_parser = new Parser(parserConfig);
			_results = _parser.parse(_input, baseIndex, ignoreLastRow);
			processResults();
			return _paused ? { meta: { paused: true } } : (_results || { meta: { paused: false } });
		};

		this.paused = function()
		{
			return _paused;
		};

		this.pause = function()
		{
			_paused = true;
			_parser.abort();

			// If it is streaming via "chunking", the reader will start appending correctly already so no need to substring,
			// otherwise we can get duplicate content within a row
			_input = isFunction(_config.chunk) ? "" : _input.substring(_parser.getCharIndex());
		};

		this.resume = function()
		{
			if(self.streamer._halted) {
				_paused = false;
				self.streamer.parseChunk(_input, true);
			} else {
				// Bugfix: #636 In case the processing hasn't halted yet
				// wait for it to halt in order to resume
				setTimeout(self.resume, 3);
			}
		};

		this.aborted = function()
		{
			return _aborted;
		};

		this.abort = function()
		{
			_aborted = true;
			_parser.abort();
			_results.meta.aborted = true;
			if (isFunction(_config.complete))
				_config.complete(_results);
			_input = '';
		};

		this.guessLineEndings = function(input, quoteChar)
		{
			input = input.substring(0, 1024 * 1024);	// max length 1 MB
			// Replace all the text inside quotes
			var re = new RegExp(escapeRegExp(quoteChar) + '([^]*?)' + escapeRegExp(quoteChar), 'gm');
			input = input.replace(re, '');

			var r = input.split('\r');

			var n = input.split('\n');

			var nAppearsFirst = (n.length > 1 && n[0].length < r[0].length);

			if (r.length === 1 || nAppearsFirst)
				return '\n';

			var numWithN = 0;
			for (var i = 0; i < r.length; i++)
			{
				if (r[i][0] === '\n')
					numWithN++;
			}

			return numWithN >= r.length / 2 ? '\r\n' : '\r';
		};

		function testEmptyLine(s) {
			return _config.skipEmptyLines === 'greedy' ? s.join('').trim() === '' : s.length === 1 && s[0].length === 0;
		}

		function testFloat(s) {
			if (FLOAT.test(s)) {
				var floatValue = parseFloat(s);
				if (floatValue > MIN_FLOAT && floatValue < MAX_FLOAT) {
					return true;
				}
			}
			return false;
		}

		function processResults()
		{
			if (_results && _delimiterError)
			{
				addError('Delimiter', 'UndetectableDelimiter', 'Unable to auto-detect delimiting character; defaulted to \'' + Papa.DefaultDelimiter + '\'');
				_delimiterError = false;
			}

			if (_config.skipEmptyLines)
			{
				_results.data = _results.data.filter(function(d) {
					return !testEmptyLine(d);
				});
			}

			if (needsHeaderRow())
				fillHeaderFields();

			return applyHeaderAndDynamicTypingAndTransformation();
		}

		function needsHeaderRow()
		{
			return _config.header && _fields.length === 0;
		}

		function fillHeaderFields()
		{
			if (!_results)
				return;

			function addHeader(header)
			{
				_fields.push(header);
			}

			if (Array.isArray(_results.data[0]))
			{
				for (var i = 0; needsHeaderRow() && i < _results.data.length; i++)
					_results.data[i].forEach(addHeader);

				_results.data.splice(0, 1);
			}
			// if _results.data[0] is not an array, we are in a step where _results.data is the row.
			else
				_results.data.forEach(addHeader);
		}

		function shouldApplyDynamicTyping(field) {
			// Cache function values to avoid calling it for each row
			if (_config.dynamicTypingFunction && _config.dynamicTyping[field] === undefined) {
				_config.dynamicTyping[field] = _config.dynamicTypingFunction(field);
			}
			return (_config.dynamicTyping[field] || _config.dynamicTyping) === true;
		}

		function parseDynamic(field, value)
		{
			if (shouldApplyDynamicTyping(field))
			{
				if (value === 'true' || value === 'TRUE')
					return true;
				else if (value === 'false' || value === 'FALSE')
					return false;
				else if (testFloat(value))
					return parseFloat(value);
				else if (ISO_DATE.test(value))
					return new Date(value);
				else
					return (value === '' ? null : value);
			}
			return value;
		}

		function applyHeaderAndDynamicTypingAndTransformation()
		{
			if (!_results || (!_config.header && !_config.dynamicTyping && !_config.transform))
				return _results;

			function processRow(rowSource, i)
			{
				var row = _config.header ? {} : [];

				var j;
				for (j = 0; j < rowSource.length; j++)
				{
					var field = j;
					var value = rowSource[j];

					if (_config.header)
						field = j >= _fields.length ? '__parsed_extra' : _fields[j];

					if (_config.transform)
						value = _config.transform(value,field);

					value = parseDynamic(field, value);

					if (field === '__parsed_extra')
					{
						row[field] = row[field] || [];
						row[field].push(value);
					}
					else
						row[field] = value;
				}


				if (_config.header)
				{
					if (j > _fields.length)
						addError('FieldMismatch', 'TooManyFields', 'Too many fields: expected ' + _fields.length + ' fields but parsed ' + j, _rowCounter + i);
					else if (j < _fields.length)
						addError('FieldMismatch', 'TooFewFields', 'Too few fields: expected ' + _fields.length + ' fields but parsed ' + j, _rowCounter + i);
				}

				return row;
			}

			var incrementBy = 1;
			if (!_results.data.length || Array.isArray(_results.data[0]))
			{
				_results.data = _results.data.map(processRow);
				incrementBy = _results.data.length;
			}
			else
				_results.data = processRow(_results.data, 0);


			if (_config.header && _results.meta)
				_results.meta.fields = _fields;

			_rowCounter += incrementBy;
			return _results;
		}

		function guessDelimiter(input, newline, skipEmptyLines, comments, delimitersToGuess) {
			var bestDelim, bestDelta, fieldCountPrevRow, maxFieldCount;

			delimitersToGuess = delimitersToGuess || [',', '\t', '|', ';', Papa.RECORD_SEP, Papa.UNIT_SEP];

			for (var i = 0; i < delimitersToGuess.length; i++) {
				var delim = delimitersToGuess[i];
				var delta = 0, avgFieldCount = 0, emptyLinesCount = 0;
				fieldCountPrevRow = undefined;

				var preview = new Parser({
					comments: comments,
					delimiter: delim,
					newline: newline,
					preview: 10
				}).parse(input);

				for (var j = 0; j < preview.data.length; j++) {
					if (skipEmptyLines && testEmptyLine(preview.data[j])) {
						emptyLinesCount++;
						continue;
					}
					var fieldCount = preview.data[j].length;
					avgFieldCount += fieldCount;

					if (typeof fieldCountPrevRow === 'undefined') {
						fieldCountPrevRow = fieldCount;
						continue;
					}
					else if (fieldCount > 0) {
						delta += Math.abs(fieldCount - fieldCountPrevRow);
						fieldCountPrevRow = fieldCount;
					}
				}

				if (preview.data.length > 0)
					avgFieldCount /= (preview.data.length - emptyLinesCount);

				// Lowest delta (most consistent field count across rows) wins; average
				// field count only breaks ties between equally consistent delimiters.
				if (avgFieldCount > 1.99 && (typeof bestDelta === 'undefined'
					|| delta < bestDelta
					|| (delta === bestDelta && avgFieldCount > maxFieldCount))) {
					bestDelta = delta;
					bestDelim = delim;
					maxFieldCount = avgFieldCount;
				}
			}

			_config.delimiter = bestDelim;

			return {
				successful: !!bestDelim,
				bestDelimiter: bestDelim
			};
		}

		function addError(type, code, msg, row)
		{
			var error = {
				type: type,
				code: code,
				message: msg
			};
			if(row !== undefined) {
				error.row = row;
			}
			_results.errors.push(error);
		}
	}

	/** https://developer.mozilla.org/en-US/docs/Web/JavaScript/Guide/Regular_Expressions */
	function escapeRegExp(string)
	{
		return string.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); // $& means the whole matched string
	}

	/** The core parser implements speedy and correct CSV parsing */
	function Parser(config)
	{
		// Unpack the config object
		config = config || {};
		var delim = config.delimiter;
		var newline = config.newline;
		var comments = config.comments;
		var step = config.step;
		var preview = config.preview;
		var fastMode = config.fastMode;
		var quoteChar;
		var renamedHeaders = null;
		var headerParsed = false;

		if (config.quoteChar === undefined || config.quoteChar === null) {
			quoteChar = '"';
		} else {
			quoteChar = config.quoteChar;
		}
		var escapeChar = quoteChar;
		if (config.escapeChar !== undefined) {
			escapeChar = config.escapeChar;
		}

		// Delimiter must be valid
		if (typeof delim !== 'string'
			|| Papa.BAD_DELIMITERS.indexOf(delim) > -1)
			delim = ',';

		// Comment character must be valid
		if (comments === delim)
			throw new Error('Comment character same as delimiter');
		else if (comments === true)
			comments = '#';
		else if (typeof comments !== 'string'
			|| Papa.BAD_DELIMITERS.indexOf(comments) > -1)
			comments = false;

		// Newline must be valid: \r, \n, or \r\n
		if (newline !== '\n' && newline !== '\r' && newline !== '\r\n')
			newline = '\n';

		// We're gonna need these at the Parser scope
		var cursor = 0;
		var aborted = false;

		this.parse = function(input, baseIndex, ignoreLastRow)
		{
			// For some reason, in Chrome, this speeds things up (!?)
			if (typeof input !== 'string')
				throw new Error('Input must be a string');

			// We don't need to compute some of these every time parse() is called,
			// but having them in a more local scope seems to perform better
			var inputLen = input.length,
				delimLen = delim.length,
				newlineLen = newline.length,
				commentsLen = comments.length;
			var stepIsFunction = isFunction(step);

			// Establish starting state
			cursor = 0;
			var data = [], errors = [], row = [], lastCursor = 0;

			if (!input)
				return returnable();

			if (fastMode || (fastMode !== false && input.indexOf(quoteChar) === -1))
			{
				var rows = input.split(newline);
				for (var i = 0; i < rows.length; i++)
				{
					row = rows[i];
					cursor += row.length;

					if (i !== rows.length - 1)
						cursor += newline.length;
					else if (ignoreLastRow)
						return returnable();
					if (comments && row.substring(0, commentsLen) === comments)
						continue;
					if (stepIsFunction)
					{
						data = [];
						pushRow(row.split(delim));
						doStep();
						if (aborted)
							return returnable();
					}
					else
						pushRow(row.split(delim));
					if (preview && i >= preview)
					{
						data = data.slice(0, preview);
						return returnable(true);
					}
				}
				return returnable();
			}

			var nextDelim = input.indexOf(delim, cursor);
			var nextNewline = input.indexOf(newline, cursor);
			var quoteCharRegex = new RegExp(escapeRegExp(escapeChar) + escapeRegExp(quoteChar), 'g');
			var quoteSearch = input.indexOf(quoteChar, cursor);

			// Parser loop
			for (;;)
			{
				// Field has opening quote
				if (input[cursor] === quoteChar)
				{
					// Start our search for the closing quote where the cursor is
					quoteSearch = cursor;

					// Skip the opening quote
					cursor++;

					for (;;)
					{
						// Find closing quote
						quoteSearch = input.indexOf(quoteChar, quoteSearch + 1);

						//No other quotes are found - no other delimiters
						if (quoteSearch === -1)
						{
							if (!ignoreLastRow) {
								// No closing quote... what a pity
								errors.push({
									type: 'Quotes',
									code: 'MissingQuotes',
									message: 'Quoted field unterminated',
									row: data.length,	// row has yet to be inserted
									index: cursor
								});
							}
							return finish();
						}

						// Closing quote at EOF
						if (quoteSearch === inputLen - 1)
						{
							var value = input.substring(cursor, quoteSearch).replace(quoteCharRegex, quoteChar);
							return finish(value);
						}

						// If this quote is escaped, it's part of the data; skip it
						// If the quote character is the escape character, then check if the next character is the escape character
						if (quoteChar === escapeChar &&  input[quoteSearch + 1] === escapeChar)
						{
							quoteSearch++;
							continue;
						}

						// If the quote character is not the escape character, then check if the previous character was the escape character
						if (quoteChar !== escapeChar && quoteSearch !== 0 && input[quoteSearch - 1] === escapeChar)
						{
							continue;
						}

						if(nextDelim !== -1 && nextDelim < (quoteSearch + 1)) {
							nextDelim = input.indexOf(delim, (quoteSearch + 1));
						}
						if(nextNewline !== -1 && nextNewline < (quoteSearch + 1)) {
							nextNewline = input.indexOf(newline, (quoteSearch + 1));
						}
						// Check up to nextDelim or nextNewline, whichever is closest
						var checkUpTo = nextNewline === -1 ? nextDelim : Math.min(nextDelim, nextNewline);
						var spacesBetweenQuoteAndDelimiter = extraSpaces(checkUpTo);

						// Closing quote followed by delimiter or 'unnecessary spaces + delimiter'
						if (input.substr(quoteSearch + 1 + spacesBetweenQuoteAndDelimiter, delimLen) === delim)
						{
							row.push(input.substring(cursor, quoteSearch).replace(quoteCharRegex, quoteChar));
							cursor = quoteSearch + 1 + spacesBetweenQuoteAndDelimiter + delimLen;

							// If char after following delimiter is not quoteChar, we find next quote char position
							if (input[quoteSearch + 1 + spacesBetweenQuoteAndDelimiter + delimLen] !== quoteChar)
							{
								quoteSearch = input.indexOf(quoteChar, cursor);
							}
							if (nextDelim !== -1 && nextDelim < cursor)
								nextDelim = input.indexOf(delim, cursor);
							if (nextNewline !== -1 && nextNewline < cursor)
								nextNewline = input.indexOf(newline, cursor);
							break;
						}

						var spacesBetweenQuoteAndNewLine = extraSpaces(nextNewline);

						// Closing quote followed by newline or 'unnecessary spaces + newLine'
						if (input.substring(quoteSearch + 1 + spacesBetweenQuoteAndNewLine, quoteSearch + 1 + spacesBetweenQuoteAndNewLine + newlineLen) === newline)
						{
							row.push(input.substring(cursor, quoteSearch).replace(quoteCharRegex, quoteChar));
							saveRow(quoteSearch + 1 + spacesBetweenQuoteAndNewLine + newlineLen);
							// Only search again if we skipped a delimiter in the quoted field.
							if (nextDelim !== -1 && nextDelim < cursor)
								nextDelim = input.indexOf(delim, cursor);
							quoteSearch = input.indexOf(quoteChar, cursor);	// we search for first quote in next line

							if (stepIsFunction)
							{
								doStep();
								if (aborted)
									return returnable();
							}

							if (preview && data.length >= preview)
								return returnable(true);

							break;
						}


						// Checks for valid closing quotes are complete (escaped quotes or quote followed by EOF/delimiter/newline) -- assume these quotes are part of an invalid text string
						errors.push({
							type: 'Quotes',
							code: 'InvalidQuotes',
							message: 'Trailing quote on quoted field is malformed',
							row: data.length,	// row has yet to be inserted
							index: cursor
						});

						quoteSearch++;
						continue;

					}

					continue;
				}

				// Comment found at start of new line
				if (comments && row.length === 0 && input.substring(cursor, cursor + commentsLen) === comments)
				{
					if (nextNewline === -1)	// Comment ends at EOF
						return returnable();
					cursor = nextNewline + newlineLen;
					nextNewline = input.indexOf(newline, cursor);
					if (nextDelim !== -1 && nextDelim < cursor)
						nextDelim = input.indexOf(delim, cursor);
					continue;
				}

				// Next delimiter comes before next newline, so we've reached end of field
				if (nextDelim !== -1 && (nextDelim < nextNewline || nextNewline === -1))
				{
					row.push(input.substring(cursor, nextDelim));
					cursor = nextDelim + delimLen;
					// we look for next delimiter char
					nextDelim = input.indexOf(delim, cursor);
					continue;
				}

				// End of row
				if (nextNewline !== -1)
				{
					row.push(input.substring(cursor, nextNewline));
					saveRow(nextNewline + newlineLen);

					if (stepIsFunction)
					{
						doStep();
						if (aborted)
							return returnable();
					}

					if (preview && data.length >= preview)
						return returnable(true);

					continue;
				}

				break;
			}

			return finish();


			function pushRow(row)
			{
				data.push(row);
				lastCursor = cursor;
			}

			/**
             * checks if there are extra spaces after closing quote and given index without any text
             * if Yes, returns the number of spaces
             */
			function extraSpaces(index) {
				var spaceLength = 0;
				if (index !== -1) {
					var textBetweenClosingQuoteAndIndex = input.substring(quoteSearch + 1, index);
					if (textBetweenClosingQuoteAndIndex && textBetweenClosingQuoteAndIndex.trim() === '') {
						spaceLength = textBetweenClosingQuoteAndIndex.length;
					}
				}
				return spaceLength;
			}

			/**
			 * Appends the remaining input from cursor to the end into
			 * row, saves the row, calls step, and returns the results.
			 */
			function finish(value)
			{
				if (ignoreLastRow)
					return returnable();
				if (typeof value === 'undefined')
					value = input.substring(cursor);
				row.push(value);
				cursor = inputLen;	// important in case parsing is paused
				pushRow(row);
				if (stepIsFunction)
					doStep();
				return returnable();
			}

			/**
			 * Appends the current row to the results. It sets the cursor
			 * to newCursor and finds the nextNewline. The caller should
			 * take care to execute user's step function and check for
			 * preview and end parsing if necessary.
			 */
			function saveRow(newCursor)
			{
				cursor = newCursor;
				pushRow(row);
				row = [];
				nextNewline = input.indexOf(newline, cursor);
			}

			/** Returns an object with the results, errors, and meta. */
			function returnable(stopped)
			{
				if (config.header && !baseIndex && data.length && !headerParsed)
				{
					const result = data[0];
					const headerCount = Object.create(null); // To track the count of each base header
					const usedHeaders = new Set(result); // To track used headers and avoid duplicates
					let duplicateHeaders = false;

					for (let i = 0; i < result.length; i++) {
						let header = stripBom(result[i]);
						if (isFunction(config.transformHeader))
							header = config.transformHeader(header, i);

						if (!headerCount[header]) {
							headerCount[header] = 1;
							result[i] = header;
						} else {
							let newHeader;
							let suffixCount = headerCount[header];

							// Find a unique new header
							do {
								newHeader = `${header}_${suffixCount}`;
								suffixCount++;
							} while (usedHeaders.has(newHeader));

							usedHeaders.add(newHeader); // Mark this new Header as used
							result[i] = newHeader;
							headerCount[header]++;
							duplicateHeaders = true;
							if (renamedHeaders === null) {
								renamedHeaders = {};
							}
							renamedHeaders[newHeader] = header;
						}

						usedHeaders.add(header); // Ensure the original header is marked as used
					}
					if (duplicateHeaders) {
						console.warn('Duplicate headers found and renamed.');
					}
					headerParsed = true;
				}
				return {
					data: data,
					errors: errors,
					meta: {
						delimiter: delim,
						linebreak: newline,
						aborted: aborted,
						truncated: !!stopped,
						cursor: lastCursor + (baseIndex || 0),
						renamedHeaders: renamedHeaders
					}
				};
			}

			/** Executes the user's step function and resets data & errors. */
			function doStep()
			{
				step(returnable());
				data = [];
				errors = [];
			}
		};

		/** Sets the abort flag */
		this.abort = function()
		{
			aborted = true;
		};

		/** Gets the cursor position */
		this.getCharIndex = function()
		{
			return cursor;
		};
	}


	function newWorker()
	{
		if (!Papa.WORKERS_SUPPORTED)
			return false;

		var workerUrl = getWorkerBlob();
		var w = new global.Worker(workerUrl);
		w.onmessage = mainThreadReceivedMessage;
		w.id = workerIdCounter++;
		workers[w.id] = w;
		return w;
	}

	/** Callback when main thread receives a message */
	function mainThreadReceivedMessage(e)
	{
		var msg = e.data;
		var worker = workers[msg.workerId];
		var aborted = false;

		if (msg.error)
			worker.userError(msg.error, msg.file);
		else if (msg.results && msg.results.data)
		{
			var abort = function() {
				aborted = true;
				completeWorker(msg.workerId, { data: [], errors: [], meta: { aborted: true } });
			};

			var handle = {
				abort: abort,
				pause: notImplemented,
				resume: notImplemented
			};

			if (isFunction(worker.userStep))
			{
				for (var i = 0; i < msg.results.data.length; i++)
				{
					worker.userStep({
						data: msg.results.data[i],
						errors: msg.results.errors,
						meta: msg.results.meta
					}, handle);
					if (aborted)
						break;
				}
				delete msg.results;	// free memory ASAP
			}
			else if (isFunction(worker.userChunk))
			{
				worker.userChunk(msg.results, handle, msg.file);
				delete msg.results;
			}
		}

		if (msg.finished && !aborted)
			completeWorker(msg.workerId, msg.results);
	}

	function completeWorker(workerId, results) {
		var worker = workers[workerId];
		if (isFunction(worker.userComplete))
			worker.userComplete(results);
		worker.terminate();
		delete workers[workerId];
	}

	function notImplemented() {
		throw new Error('Not implemented.');
	}

	/** Callback when worker thread receives a message */
	function workerThreadReceivedMessage(e)
	{
		var msg = e.data;

		if (typeof Papa.WORKER_ID === 'undefined' && msg)
			Papa.WORKER_ID = msg.workerId;

		if (typeof msg.input === 'string')
		{
			global.postMessage({
				workerId: Papa.WORKER_ID,
				results: Papa.parse(msg.input, msg.config),
				finished: true
			});
		}
		else if ((global.File && msg.input instanceof File) || msg.input instanceof Object)	// thank you, Safari (see issue #106)
		{
			var results = Papa.parse(msg.input, msg.config);
			if (results)
				global.postMessage({
					workerId: Papa.WORKER_ID,
					results: results,
					finished: true
				});
		}
	}

	/** Makes a deep copy of an array or object (mostly) */
	function copy(obj)
	{
		if (typeof obj !== 'object' || obj === null)
			return obj;
		var cpy = Array.isArray(obj) ? [] : {};
		for (var key in obj)
			cpy[key] = copy(obj[key]);
		return cpy;
	}

	function bindFunction(f, self)
	{
		return function() { f.apply(self, arguments); };
	}
	function isFunction(func)
	{
		return typeof func === 'function';
	}

	return Papa;
}));


/***/ }),

/***/ 32757:
/***/ ((module, __unused_webpack___webpack_exports__, __nccwpck_require__) => {

__nccwpck_require__.a(module, async (__webpack_handle_async_dependencies__, __webpack_async_result__) => { try {
/* harmony import */ var _shared_action_run_action_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(41825);
/* harmony import */ var _run_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(50192);


process.exitCode = await (0,_shared_action_run_action_js__WEBPACK_IMPORTED_MODULE_0__/* .runAction */ .C)(_run_js__WEBPACK_IMPORTED_MODULE_1__/* .evaluateModel */ .H);

__webpack_async_result__();
} catch(e) { __webpack_async_result__(e); } }, 1);

/***/ }),

/***/ 50192:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  H: () => (/* binding */ evaluateModel)
});

// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __nccwpck_require__(51455);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __nccwpck_require__(76760);
// EXTERNAL MODULE: ./shared/action/context.ts
var context = __nccwpck_require__(36030);
// EXTERNAL MODULE: ./shared/identifiers.ts
var identifiers = __nccwpck_require__(58434);
// EXTERNAL MODULE: ./shared/action/errors.ts
var errors = __nccwpck_require__(91674);
;// CONCATENATED MODULE: ./shared/files/confine.ts
/**
 * Path confinement. Everything a pull request can change is hostile, and that includes where a
 * path leads: a data file that is a symbolic link to /proc/self/environ would put the step's
 * environment (ACTIONS_RUNTIME_TOKEN, the OIDC request token) into annotations, reports and
 * artifacts. So every path that comes from an input or from a file is resolved with its symbolic
 * links and must lead into one of the step's folders:
 *
 * - the job's workspace (GITHUB_WORKSPACE; outside a runner, the current folder or the CLI's
 *   `--workspace`), less its `.git` folder, where actions/checkout keeps the token it persists;
 * - `mlops-actions/` in RUNNER_TEMP, where the suite's own earlier steps wrote their reports.
 *
 * Symbolic links inside the workspace that lead inside are fine. Files must be regular files, so
 * that a FIFO or a device (/dev/zero) cannot hang a step.
 */



/** The folder under RUNNER_TEMP that the suite's steps write their reports into. */
const STEP_FILES_FOLDER = 'mlops-actions';
/** The confinement of a step: its workspace, and the suite's own folder in the temp folder. */
async function stepConfinement(workspace, tempDir) {
    const folders = [(0,external_node_path_.resolve)(workspace), (0,external_node_path_.resolve)(tempDir, STEP_FILES_FOLDER)];
    return {
        workspace: (0,external_node_path_.resolve)(workspace),
        roots: await Promise.all(folders.map(async (folder) => (await confine_realPathOfNearest(folder)) ?? folder)),
    };
}
/**
 * The absolute path that `path` names, after checking that it leads, symbolic links resolved,
 * into the confinement. A path outside, into `.git`, or (for a file) to something other than a
 * regular file is a UserError naming the input and the path.
 */
async function confine_confinePath(path, confinement, options) {
    const absolute = (0,external_node_path_.resolve)(options.baseDir, path);
    const named = `${options.input ? `input "${options.input}": the ` : 'The '}${options.what} "${path}"`;
    const real = await confine_realPathOfNearest(absolute);
    if (real === undefined)
        throw new errors/* UserError */.yo(`${capitalise(named)} is a loop of symbolic links; a file was expected.`);
    const via = real !== absolute ? ` (through a symbolic link, it leads to ${real})` : '';
    const root = confinement.roots.find((folder) => confine_isInside(real, folder));
    if (root === undefined) {
        throw new errors/* UserError */.yo(`${capitalise(named)} is outside the workspace${via}. mlops-actions reads and writes only inside the workspace (${confinement.workspace}) and its own folder in RUNNER_TEMP, so that a pull request cannot make it read other files of the runner. Give a path inside the workspace.`);
    }
    if (confine_isInGitFolder(real, root)) {
        throw new errors/* UserError */.yo(`${capitalise(named)} is inside a .git folder${via}, which holds the repository's credentials. Give a path outside .git.`);
    }
    if (options.kind === 'any')
        return absolute;
    const info = await (0,promises_.stat)(real).catch((error) => {
        const code = (0,errors/* errnoCode */.UK)(error);
        if (code === 'ENOENT')
            return undefined;
        if (code === 'ELOOP')
            throw new errors/* UserError */.yo(`${capitalise(named)} is a loop of symbolic links; a file was expected.`);
        throw error;
    });
    if (!info)
        return absolute; // Missing: its reader says so, with the usual message.
    if (options.kind === 'folder' && !info.isDirectory())
        throw new errors/* UserError */.yo(`${capitalise(named)} is not a folder.`);
    if ((options.kind ?? 'file') === 'file' && !info.isFile()) {
        throw new errors/* UserError */.yo(`${capitalise(named)} is ${info.isDirectory() ? 'a folder' : 'not a regular file (a device, a pipe or a socket)'}${via}; a file was expected.`);
    }
    return absolute;
}
/** Each path confined, in order (see confinePath). */
async function confinePaths(paths, confinement, options) {
    const confined = [];
    for (const path of paths)
        confined.push(await confine_confinePath(path, confinement, options));
    return confined;
}
function confine_isInside(path, folder) {
    if (path === folder)
        return true;
    const rest = (0,external_node_path_.relative)(folder, path);
    return rest !== '' && !rest.startsWith(`..${external_node_path_.sep}`) && rest !== '..' && !(0,external_node_path_.isAbsolute)(rest);
}
/**
 * The real path of `path`; for a path that does not exist yet, the real path of its nearest
 * existing ancestor joined with the rest, so that a file to be written through a linked folder
 * is judged by where it would land. Undefined for a loop of links, and, unless `followDangling`,
 * for a dangling link (whose file a write would create wherever it points).
 */
async function confine_realPathOfNearest(path, { followDangling = true } = {}) {
    const missing = [];
    let current = path;
    // A dangling link is followed by hand (realpath refuses it, but a write would follow it);
    // 40 hops, as Linux allows, end a cycle.
    for (let hops = 0; hops <= 40;) {
        try {
            return (0,external_node_path_.join)(await (0,promises_.realpath)(current), ...[...missing].reverse());
        }
        catch (error) {
            const code = (0,errors/* errnoCode */.UK)(error);
            // ENOENT: not there yet. ENOTDIR: a file stands where a folder is named. ELOOP: a link cycle.
            if (code !== 'ENOENT' && code !== 'ENOTDIR' && code !== 'ELOOP')
                throw error;
            const target = await (0,promises_.readlink)(current).catch(() => undefined);
            if (!followDangling && (code === 'ELOOP' || target !== undefined))
                return undefined;
            if (target !== undefined && code === 'ENOENT') {
                current = (0,external_node_path_.resolve)((0,external_node_path_.dirname)(current), target);
                hops++;
                continue;
            }
            const parent = (0,external_node_path_.dirname)(current);
            if (parent === current)
                return path;
            missing.push((0,external_node_path_.basename)(current));
            current = parent;
        }
    }
    return undefined;
}
/** Whether `real` lies in a .git folder below `root`: where actions/checkout persists its token. */
function confine_isInGitFolder(real, root) {
    return (0,external_node_path_.relative)(root, real).split(external_node_path_.sep).includes('.git');
}
function capitalise(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
}
/** Confines the inputs among `names` that are set, each a file path (see confinePath). */
async function confineFileInputs(input, names, confinement, baseDir = process.cwd()) {
    for (const name of names) {
        const path = input[name];
        if (typeof path === 'string')
            await confine_confinePath(path, confinement, {
                what: INPUT_FILES[name] ?? 'file',
                input: name,
                baseDir,
            });
    }
}
/** How messages name the file each input holds. */
const INPUT_FILES = {
    predictions: 'predictions file',
    metrics: 'metrics file',
    baseline: 'baseline metrics file',
    gates: 'gate policy',
    manifest: 'manifest',
    profile: 'data profile',
};

;// CONCATENATED MODULE: ./shared/lineage/manifest-files.ts
/**
 * The files a manifest names, found inside the manifest's base folder: the working directory
 * for a manifest of this job, the download folder for an artifact or a release. The manifest's
 * schema already refuses absolute and ".." paths; this also follows symbolic links, so that a
 * model file that is a link to /proc/self/environ or to a file of another job is never hashed,
 * uploaded into a Release or overwritten.
 */




/**
 * The real path of the file that `path` (the manifest's `field`, e.g. `outputs[2].path`) names.
 * Where it leads outside the base folder, or to a device, pipe or socket, it is a UserError that
 * names the manifest, the field and the path. A path that does not exist (yet) is returned as
 * it is, judged by its nearest existing folder: its reader reports it missing, its writer
 * creates it inside.
 */
async function manifest_files_manifestFilePath(files, field, path) {
    const base = await realpath(files.baseDir);
    const absolute = resolve(base, path);
    const named = `The ${files.manifest} lists "${path}" in "${field}"`;
    const real = await realPathOfNearest(absolute, { followDangling: false });
    if (real === undefined)
        throw new UserError(`${named}, which is a symbolic link that leads nowhere (or in a loop). Only files inside ${files.folder ?? "the model's folder"} are verified and published; promote the files train-model wrote, not links.`);
    if (!isInside(real, base) || real === base) {
        const via = real === absolute ? '' : ` (through a symbolic link, it leads to ${real})`;
        throw new UserError(`${named}, which is outside ${files.folder ?? "the model's folder"} ${base}${via}. Only files inside that folder are verified and published; promote the files train-model wrote, not links to other files.`);
    }
    if (isInGitFolder(real, base))
        throw new UserError(`${named}, which is inside a .git folder (it leads to ${real}), where the repository's credentials are kept; a model file was expected.`);
    const info = await stat(real).catch(() => undefined);
    if (info && !info.isFile() && !info.isDirectory())
        throw new UserError(`${named}, which is not a regular file (a device, a pipe or a socket); a model file was expected.`);
    return real;
}

;// CONCATENATED MODULE: ./shared/artifacts/model-artifact.ts
/**
 * Models and their metrics as workflow artifacts, so that a later job of the same run (the
 * production promotion after staging) gets exactly the bytes that were trained and checked.
 * @actions/artifact is loaded only here, and only when a step uploads or downloads.
 */






const MANIFEST_FILE = 'model-manifest.json';
const METRICS_FILE = 'metrics.json';
const PROFILE_FILE = 'data-profile.json';
/**
 * Artifact names are unique per run; same model and version, same names. They are built from
 * identifiers and checked to be one (see identifiers.ts): they become outputs.
 */

/** The runner gives JavaScript actions a runtime token and results URL; elsewhere (a laptop) there is no artifact service. */
function artifactServiceAvailable(env = process.env) {
    return Boolean(env.ACTIONS_RUNTIME_TOKEN && env.ACTIONS_RESULTS_URL);
}
/**
 * Uploads files under the paths they should have inside the artifact. They are staged with
 * hard links (a copy when linking fails), so large model files are not copied.
 */
async function uploadArtifact(name, files, stagingDir, log) {
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
    const client = new DefaultArtifactClient();
    const existing = await client.getArtifact(name).catch(() => undefined);
    if (existing) {
        log.info(`This run already has artifact ${name} (id ${existing.artifact.id}); it is not uploaded again.`);
        return { id: existing.artifact.id, name, uploaded: false };
    }
    const staged = [];
    for (const file of files) {
        const to = (0,external_node_path_.join)(stagingDir, file.as);
        await (0,promises_.mkdir)((0,external_node_path_.dirname)(to), { recursive: true });
        await (0,promises_.link)(file.from, to).catch(() => (0,promises_.copyFile)(file.from, to));
        staged.push(to);
    }
    const { id } = await client.uploadArtifact(name, staged, stagingDir);
    if (id === undefined)
        throw new Error(`Uploading artifact ${name} returned no id`);
    log.info(`Uploaded artifact ${name} (id ${id}).`);
    return { id, name, uploaded: true };
}
/** The manifest at the artifact's root, each output at its manifest path, read inside `baseDir` (see manifest-files.ts). */
async function uploadModelArtifact(args) {
    const name = modelArtifactName(args.manifest.model.name, args.manifest.model.version);
    const model = { manifest: `manifest of artifact ${name}`, baseDir: args.baseDir };
    const files = [{ from: args.manifestPath, as: MANIFEST_FILE }];
    for (const [index, output] of args.manifest.outputs.entries())
        files.push({
            from: await manifestFilePath(model, `outputs[${index}].path`, output.path),
            as: output.path,
        });
    return uploadArtifact(name, files, args.stagingDir, args.log);
}
function uploadMetricsArtifact(args) {
    return uploadArtifact((0,identifiers/* metricsArtifactName */.Hk)(args.model, args.version), [{ from: args.reportPath, as: METRICS_FILE }], args.stagingDir, args.log);
}
/** The training data profile of a promotion to an environment without a Release (see reference-profile.ts). */
function uploadProfileArtifact(args) {
    return uploadArtifact(profileArtifactName(args.model, args.version), [{ from: args.profilePath, as: PROFILE_FILE }], args.stagingDir, args.log);
}
/** How @actions/artifact finds another run's artifacts through the REST API. */
function findByOf(run) {
    return {
        token: run.token,
        workflowRunId: run.runId,
        repositoryOwner: run.repository.owner,
        repositoryName: run.repository.repo,
    };
}
/**
 * Downloads an artifact of this run, or of `fromRun`, checking its digest; returns the folder it
 * is in, or undefined when there is no artifact of that name. Any other failure is a UserError.
 */
async function downloadArtifactIfPresent(args) {
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
    const client = new DefaultArtifactClient();
    const findBy = args.fromRun && findByOf(args.fromRun);
    const found = await client
        .getArtifact(args.name, findBy ? { findBy } : undefined)
        .catch((error) => {
        if (error.name === 'ArtifactNotFoundError')
            return undefined;
        const reason = error.message.replace(/\s+/g, ' ').trim();
        const which = args.fromRun ? `workflow run ${args.fromRun.runId}` : 'this workflow run';
        const permission = args.fromRun
            ? ' Reading another run\'s artifacts needs "permissions: actions: read".'
            : '';
        throw new UserError(`Could not read artifact "${args.name}" of ${which} (${reason}).${permission}`);
    });
    if (!found)
        return undefined;
    // The service reports digests as "sha256:<hex>", the form downloadArtifact compares with.
    const { downloadPath, digestMismatch } = await client.downloadArtifact(found.artifact.id, {
        path: args.into,
        expectedHash: found.artifact.digest,
        ...(findBy ? { findBy } : {}),
    });
    if (digestMismatch)
        throw new UserError(`Artifact "${args.name}" did not download intact: its sha256 differs from the one recorded at upload. Re-run the job; if it happens again, the artifact is damaged.`);
    args.log.info(`Downloaded artifact ${args.name} (id ${found.artifact.id}) to ${basename(downloadPath ?? args.into)}.`);
    return downloadPath ?? args.into;
}
/** As downloadArtifactIfPresent, but a missing artifact is a UserError that ends with `hint`. */
async function downloadArtifact(args) {
    const folder = await downloadArtifactIfPresent(args);
    if (folder !== undefined)
        return folder;
    const which = args.fromRun ? `Workflow run ${args.fromRun.runId}` : 'This workflow run';
    throw new UserError(`${which} has no artifact named "${args.name}". ${args.hint}`);
}
/** The names of the artifacts another run uploaded. */
async function listRunArtifacts(run) {
    const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
    const findBy = findByOf(run);
    const { artifacts } = await new DefaultArtifactClient()
        .listArtifacts({ findBy })
        .catch((error) => {
        throw new UserError(`Could not list the artifacts of workflow run ${run.runId} (${error.message.replace(/\s+/g, ' ').trim()}). The job needs "permissions: actions: read".`);
    });
    return artifacts.map((artifact) => artifact.name);
}
/**
 * RunArtifacts through the REST API with `token` (the job needs `actions: read`), downloading
 * into folders of their own under `tempDir`. The artifact is fetched by its id: GitHub answers
 * 410 for an expired one and 404 for a deleted one.
 */
function runArtifacts(args) {
    return {
        async readFile(artifact, file) {
            const { DefaultArtifactClient } = await Promise.all(/* import() */[__nccwpck_require__.e(251), __nccwpck_require__.e(12), __nccwpck_require__.e(186)]).then(__nccwpck_require__.bind(__nccwpck_require__, 71186));
            await mkdir(args.tempDir, { recursive: true });
            const into = await mkdtemp(join(args.tempDir, 'artifact-'));
            const which = `artifact "${artifact.name}" (id ${artifact.id}) of workflow run ${artifact.runId}`;
            try {
                await new DefaultArtifactClient().downloadArtifact(artifact.id, {
                    path: into,
                    findBy: findByOf({
                        runId: artifact.runId,
                        token: args.token,
                        repository: args.repository,
                    }),
                });
            }
            catch (error) {
                const status = statusOf(error);
                if (status === 404 || status === 410)
                    return undefined;
                const reason = error.message.replace(/\s+/g, ' ').trim();
                throw new UserError(`Could not read ${which} (${reason}). Reading a workflow run's artifacts needs "permissions: actions: read".`);
            }
            try {
                return await readFile(join(into, file));
            }
            catch {
                throw new UserError(`The ${which} holds no file "${file}", so it is not the artifact that was recorded.`);
            }
        },
    };
}

;// CONCATENATED MODULE: ./shared/files/nesting.ts
/**
 * The one nesting limit for JSON and YAML a pull request controls: structured files (configs,
 * metrics, gates, manifests, schemas, profiles), JSON Lines records and JSON cells. JSON.parse
 * takes any depth, but the code that walks a parsed value (casts, keys, hashes, canonical JSON)
 * is recursive and would overflow the stack; a real file nests a few levels.
 */
const nesting_MAX_NESTING_DEPTH = 64;
/**
 * The offset where JSON text first nests deeper than `limit` objects and arrays, or undefined.
 * Read from the text, so that the place can be named and nothing walks the value recursively.
 */
function nesting_jsonDepthExceeded(text, limit) {
    let depth = 0;
    let inString = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (c === 0x5c)
                i++; // backslash: the next character is escaped
            else if (c === 0x22)
                inString = false;
        }
        else if (c === 0x22)
            inString = true;
        else if (c === 0x7b || c === 0x5b) {
            if (++depth > limit)
                return i;
        }
        else if (c === 0x7d || c === 0x5d)
            depth--;
    }
    return undefined;
}

;// CONCATENATED MODULE: ./shared/files/read-file.ts



/**
 * Reads a user-named file, turning the usual mistakes into messages that say which file, what
 * was expected and what to do. `what` names the file in the user's terms ("schema file").
 */
async function read_file_readUserFile(path, what, baseDir = process.cwd()) {
    try {
        return await (0,promises_.readFile)((0,external_node_path_.resolve)(baseDir, path), 'utf8');
    }
    catch (error) {
        throw read_file_fileError(error, path, what, baseDir);
    }
}
/** `path` as the user wrote it; `baseDir` is what relative paths resolve against. */
function read_file_fileError(error, path, what, baseDir = process.cwd()) {
    const code = (0,errors/* errnoCode */.UK)(error);
    const where = `${what} "${path}"`;
    if (code === 'ENOENT') {
        return new errors/* UserError */.yo(`The ${where} does not exist (looked for ${(0,external_node_path_.resolve)(baseDir, path)}). Check the path: relative paths resolve against ${baseDir}.`);
    }
    if (code === 'EISDIR')
        return new errors/* UserError */.yo(`The ${where} is a directory; a file was expected.`);
    if (code === 'EACCES')
        return new errors/* UserError */.yo(`The ${where} cannot be read: permission denied.`);
    return error instanceof Error ? error : new Error(String(error));
}

;// CONCATENATED MODULE: ./shared/files/structured.ts




/** Bounds on a structured (JSON or YAML) file; a real config, schema or metrics file is far inside them. */
const STRUCTURED_LIMITS = {
    /** Nested objects and lists, JSON and YAML alike (JSON Lines cells too: see data/jsonl.ts). */
    maxDepth: nesting_MAX_NESTING_DEPTH,
    /** YAML alias nodes (`*name`) in a document. */
    maxAliases: 1000,
    /** Values (scalars, lists and mappings) a YAML document holds with its aliases expanded. */
    maxExpandedValues: 100_000,
};
function formatOf(path) {
    return /\.json$/i.test(path) ? 'json' : 'yaml';
}
/** Parses JSON or YAML text; syntax errors and documents past STRUCTURED_LIMITS name the file, line and column. */
async function parseStructured(text, path, what) {
    if (formatOf(path) === 'json') {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch (error) {
            throw new errors/* UserError */.yo(`The ${what} "${path}" is not valid JSON: ${await describeJsonError(error, text)}.`);
        }
        const tooDeep = nesting_jsonDepthExceeded(text, STRUCTURED_LIMITS.maxDepth);
        if (tooDeep !== undefined) {
            const { line, column } = lineAndColumn(text, tooDeep);
            throw new errors/* UserError */.yo(`The ${what} "${path}" nests objects and arrays more than ${STRUCTURED_LIMITS.maxDepth} levels deep (at line ${line}, column ${column}). A ${what} needs far fewer; flatten it.`);
        }
        return value;
    }
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 33243));
    let value;
    try {
        value = yaml.load(text, {
            filename: path,
            maxDepth: STRUCTURED_LIMITS.maxDepth,
            maxAliases: STRUCTURED_LIMITS.maxAliases,
        });
    }
    catch (error) {
        if (!(error instanceof yaml.YAMLException))
            throw error;
        const mark = error.mark
            ? ` at line ${error.mark.line + 1}, column ${error.mark.column + 1}`
            : '';
        if (/maxAliases/.test(error.reason)) {
            throw new errors/* UserError */.yo(`The ${what} "${path}" has more than ${STRUCTURED_LIMITS.maxAliases} YAML aliases (the one past the limit is${mark}); write the values out instead of repeating anchors.`);
        }
        if (/maxDepth/.test(error.reason)) {
            throw new errors/* UserError */.yo(`The ${what} "${path}" nests mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep${mark}. A ${what} needs far fewer; flatten it.`);
        }
        throw new errors/* UserError */.yo(`The ${what} "${path}" is not valid YAML${mark}: ${error.reason}.`);
    }
    checkExpandedSize(value, path, what);
    return value;
}
/**
 * Refuses a YAML document whose aliases make it larger or deeper than the limits once
 * expanded, or make it contain itself. Each distinct list or mapping is measured once (an alias
 * is the same object as its anchor), so measuring costs the document's size, not its expansion.
 */
function checkExpandedSize(value, path, what) {
    const { values, depth, distinct, cycle } = measureExpanded(value, STRUCTURED_LIMITS.maxExpandedValues);
    if (cycle)
        throw new errors/* UserError */.yo(`The ${what} "${path}" has a YAML alias inside the node it refers to, so it would contain itself; write the values out.`);
    if (values > distinct && values > STRUCTURED_LIMITS.maxExpandedValues) {
        throw new errors/* UserError */.yo(`The ${what} "${path}" has YAML aliases that expand to more than ${STRUCTURED_LIMITS.maxExpandedValues.toLocaleString('en-US')} values; write the values out (a ${what} needs far fewer).`);
    }
    if (depth > STRUCTURED_LIMITS.maxDepth) {
        throw new errors/* UserError */.yo(`The ${what} "${path}" has YAML aliases that nest mappings and lists more than ${STRUCTURED_LIMITS.maxDepth} levels deep once expanded; write the values out.`);
    }
}
/** Measures a parsed document with aliases expanded, without recursion (its depth is what is in question) and memoised per object. */
function measureExpanded(root, limit = Infinity) {
    if (root === null || typeof root !== 'object')
        return { values: 1, depth: 0, distinct: 1, cycle: false };
    const measured = new Map();
    const open = new Set();
    let distinct = 0;
    const stack = [];
    const enter = (node) => {
        open.add(node);
        distinct++;
        stack.push({
            node,
            children: Array.isArray(node) ? node : Object.values(node),
            next: 0,
            values: 1,
            depth: 1,
        });
    };
    enter(root);
    let result = { values: 1, depth: 1 };
    while (stack.length) {
        const frame = stack.at(-1);
        if (frame.next < frame.children.length && frame.values <= limit) {
            const child = frame.children[frame.next++];
            if (child === null || typeof child !== 'object' || child instanceof Date) {
                frame.values++;
                distinct++;
                continue;
            }
            if (open.has(child))
                return { values: frame.values, depth: stack.length, distinct, cycle: true };
            const known = measured.get(child);
            if (known) {
                frame.values += known.values;
                frame.depth = Math.max(frame.depth, known.depth + 1);
            }
            else
                enter(child);
            continue;
        }
        stack.pop();
        open.delete(frame.node);
        result = { values: frame.values, depth: frame.depth };
        measured.set(frame.node, result);
        const parent = stack.at(-1);
        if (parent) {
            parent.values += frame.values;
            parent.depth = Math.max(parent.depth, frame.depth + 1);
        }
    }
    return { ...result, distinct, cycle: false };
}
/**
 * JSON.parse's message depends on the Node version: some give a position, others quote the
 * text instead. Keep the reason, on one line, and find where the text goes wrong.
 */
async function describeJsonError(error, text) {
    // Node quotes the text (whole, or "..."-shortened); keep only the reason.
    const reason = error.message
        .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
        .replace(/ (?:in JSON )?at position \d+.*$/s, '')
        .replace(/\s+/g, ' ');
    const { line, column } = lineAndColumn(text, jsonErrorOffset(text, error));
    return `${reason} at line ${line}, column ${column}`;
}
/**
 * The offset of the first character JSON.parse rejects. When the message does not say, the
 * shortest prefix of the text that fails for a reason other than ending early is found by
 * bisection (only on this error path, so its O(n log n) cost does not matter).
 */
function jsonErrorOffset(text, error) {
    const reported = positionIn(error);
    if (reported !== undefined)
        return reported;
    const endsEarly = (prefixLength) => {
        try {
            JSON.parse(text.slice(0, prefixLength));
            return true;
        }
        catch (prefixError) {
            const message = prefixError.message;
            const position = positionIn(prefixError);
            return (/end of JSON input|Unterminated/.test(message) ||
                (position !== undefined && position >= prefixLength));
        }
    };
    let good = 0;
    let bad = text.length;
    while (bad - good > 1) {
        const middle = Math.floor((good + bad) / 2);
        if (endsEarly(middle))
            good = middle;
        else
            bad = middle;
    }
    return bad - 1;
}
function positionIn(error) {
    const match = /position (\d+)/.exec(error.message);
    return match ? Number(match[1]) : undefined;
}
function lineAndColumn(text, offset) {
    const before = text.slice(0, offset);
    return { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') };
}
/** Reads, parses and validates a config-like file. */
async function readStructuredFile(path, schema, what, baseDir = process.cwd()) {
    const text = await read_file_readUserFile(path, what, baseDir);
    const value = await parseStructured(text, path, what);
    return validateStructured(value, schema, { path, what, text });
}
async function validateStructured(value, schema, source) {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success)
        return result.data;
    const issues = result.error.issues.slice(0, 10);
    const lines = source.text
        ? await locateLines(source.text, issues.map((issue) => issue.path))
        : [];
    const problems = issues.map((issue, index) => {
        const field = issue.path.length ? `"${formatPath(issue.path)}"` : 'the top level';
        const line = lines[index] ? ` (line ${lines[index]})` : '';
        return `${field}${line}: ${issue.message}${describeInput(issue)}`;
    });
    const more = result.error.issues.length > issues.length
        ? `; and ${result.error.issues.length - issues.length} more`
        : '';
    throw new errors/* UserError */.yo(`The ${source.what} "${source.path}" is not valid: ${problems.join('; ')}${more}.`);
}
/** The offending value, when it is short and the message does not already show it. */
function describeInput(issue) {
    const input = issue.input;
    if (input === undefined || (typeof input === 'object' && input !== null))
        return '';
    const shown = JSON.stringify(input);
    return shown.length <= 60 && !issue.message.includes(shown) ? `, got ${shown}` : '';
}
function formatPath(path) {
    return path.reduce((out, key) => typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key), '');
}
const keyOf = (path) => JSON.stringify(path.map(String));
/** The line of the deepest node that exists along each path (JSON is YAML, so one walker serves both). */
async function locateLines(text, paths) {
    const offsets = await nodeOffsets(text).catch(() => new Map());
    return paths.map((path) => {
        for (let depth = path.length; depth >= 0; depth--) {
            const offset = offsets.get(keyOf(path.slice(0, depth)));
            if (offset !== undefined)
                return lineAndColumn(text, offset).line;
        }
        return undefined;
    });
}
/** Source offsets of every node of the first document, by path. */
async function nodeOffsets(text) {
    const yaml = await __nccwpck_require__.e(/* import() */ 243).then(__nccwpck_require__.bind(__nccwpck_require__, 33243));
    const offsets = new Map();
    const stack = [];
    /** Path of the node that starts now, or undefined when it is a mapping key. */
    const nextPath = () => {
        const top = stack.at(-1);
        if (!top)
            return [];
        if (top.kind === 'sequence')
            return [...top.path, String(top.index++)];
        if (top.pendingKey === undefined)
            return undefined;
        const path = [...top.path, top.pendingKey];
        top.pendingKey = undefined;
        return path;
    };
    for (const event of yaml.parseEvents(text, {})) {
        if (event.type === yaml.EVENT_ID.SCALAR) {
            const path = nextPath();
            if (path)
                offsets.set(keyOf(path), event.valueStart);
            else
                stack.at(-1).pendingKey = yaml.getScalarValue(text, event);
        }
        else if (event.type === yaml.EVENT_ID.MAPPING || event.type === yaml.EVENT_ID.SEQUENCE) {
            const path = nextPath() ?? [...stack.at(-1).path, '?'];
            offsets.set(keyOf(path), event.start);
            stack.push({
                kind: event.type === yaml.EVENT_ID.MAPPING ? 'mapping' : 'sequence',
                path,
                index: 0,
            });
        }
        else if (event.type === yaml.EVENT_ID.ALIAS) {
            nextPath();
        }
        else if (event.type === yaml.EVENT_ID.POP) {
            stack.pop();
            if (stack.length === 0)
                break;
        }
    }
    return offsets;
}

// EXTERNAL MODULE: ./node_modules/zod/v4/classic/schemas.js + 14 modules
var schemas = __nccwpck_require__(45586);
;// CONCATENATED MODULE: ./shared/lineage/config-diff.ts
/**
 * A training config's values as the manifest records them, and what changed between two of
 * them, as `dvc params diff` shows it: flattened dotted keys (`model.max_depth`), each value
 * changed, added or removed.
 *
 * Secrets must not leak into a manifest, an artifact, a Release or a comment, so a value is
 * replaced by HIDDEN when any segment of its key looks like a credential (SECRET_WORDS, matched
 * on the words of a segment: `db_password`, `apiKey`, `auth.user`), when the value itself looks
 * like one (a token prefix, a private key, a URL with a password), or when a pattern of the
 * train-model input `hide-config-keys` matches its key. Masking happens when the manifest is
 * written and again when two manifests are compared (an older or a pull request's manifest
 * may hold raw values).
 */
/** What a hidden value reads as; real string values are recorded quoted, so it cannot clash. */
const HIDDEN = '(hidden)';
/** At most this many leaves are recorded; a larger config is recorded in part and says so. */
const MAX_CONFIG_LEAVES = 2000;
/** Keys and values longer than this are cut and marked with a hash of the whole (see clipText). */
const MAX_CONFIG_TEXT = 200;
/**
 * Words that make a key segment a credential's. A segment is split into words at anything but
 * letters and digits and at camelCase humps, so `max_depth` is not hidden and `dbPassword` is.
 * `key` alone hides too much (`sort_key`) on purpose: a hidden value costs a line of the diff,
 * a leaked one costs a rotation.
 */
const SECRET_WORDS = new Set([
    'password',
    'passwd',
    'pwd',
    'passphrase',
    'secret',
    'secrets',
    'token',
    'tokens',
    'key',
    'keys',
    'apikey',
    'credential',
    'credentials',
    'creds',
    'auth',
    'authorization',
    'bearer',
    'cookie',
    'session',
    'private',
    'privatekey',
    'signature',
    'salt',
    'dsn',
    'sas',
]);
/**
 * Values that are credentials whatever their key: GitHub, AWS, Slack, OpenAI-style and JWT
 * tokens, PEM private keys, and URLs carrying a password (`postgres://user:pass@host`).
 * Anchored or bounded, linear-time: values are hostile text.
 */
const SECRET_VALUES = (/* unused pure expression or super */ null && ([
    /^"?(?:gh[pousr]_|github_pat_|glpat-|xox[abprs]-|sk-|AKIA|ASIA|eyJ[A-Za-z0-9_-]{8,}\.)/,
    /-----BEGIN [A-Z ]{0,40}PRIVATE KEY/,
    /[a-z][a-z0-9+.-]{0,30}:\/\/[^\s/:@]{0,200}:[^\s/@]{1,200}@/i,
]));
/** The words of a key segment: `dbPassword` → db, password; `API_KEY` → api, key, apikey. */
function wordsOf(segment) {
    const words = segment
        .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .filter(Boolean);
    // `api_key`, `private-key` read as one word as well.
    const joined = words.slice(1).map((word, index) => words[index] + word);
    return [...words, ...joined];
}
/** True when a segment of the key names a credential. */
function looksSecretKey(path) {
    return path.some((segment) => wordsOf(segment).some((word) => SECRET_WORDS.has(word)));
}
function looksSecretValue(value) {
    return SECRET_VALUES.some((pattern) => pattern.test(value));
}
/**
 * The dotted key of a path: segments joined with ".", a segment that holds ".", "[", "]", a
 * quote, white space or nothing written as `["…"]`, so that two paths never print alike.
 */
function dottedKey(path) {
    return path
        .map((segment, index) => /^[^.[\]"'\s]+$/.test(segment)
        ? `${index ? '.' : ''}${segment}`
        : `[${JSON.stringify(segment)}]`)
        .join('');
}
/**
 * A compiled `hide-config-keys` list: each line a dotted key or a glob over dotted keys (`*`
 * within one segment, `**` any number of segments). A pattern hides the key it matches and
 * everything below it (`db` hides `db.host`). Matching is segment by segment, by dynamic
 * programming (never a backtracking regular expression), since keys come from a pull request.
 */
function hidePatterns(lines) {
    const patterns = lines
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith('#'))
        .map((line) => line.split('.'));
    return (path) => patterns.some((pattern) => {
        for (let length = 1; length <= path.length; length++)
            if (matchSegments(pattern, path.slice(0, length)))
                return true;
        return false;
    });
}
/** Glob over segments: `**` matches any number of whole segments. */
function matchSegments(pattern, path) {
    // can[i][j]: pattern[i..] matches path[j..]
    const can = Array.from({ length: pattern.length + 1 }, () => new Array(path.length + 1).fill(false));
    can[pattern.length][path.length] = true;
    for (let i = pattern.length - 1; i >= 0; i--)
        for (let j = path.length; j >= 0; j--) {
            if (pattern[i] === '**')
                can[i][j] = can[i + 1][j] || (j < path.length && can[i][j + 1]);
            else
                can[i][j] = j < path.length && matchWildcard(pattern[i], path[j]) && can[i + 1][j + 1];
        }
    return can[0][0];
}
/** `*` (any run of characters) and `?` (one) within a segment; the two-pointer match, O(n·m). */
function matchWildcard(pattern, text) {
    let [p, t, star, mark] = [0, 0, -1, 0];
    while (t < text.length) {
        if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[t])) {
            p++;
            t++;
        }
        else if (p < pattern.length && pattern[p] === '*') {
            star = p++;
            mark = t;
        }
        else if (star >= 0) {
            p = star + 1;
            t = ++mark;
        }
        else
            return false;
    }
    while (p < pattern.length && pattern[p] === '*')
        p++;
    return p === pattern.length;
}
/** Text cut to MAX_CONFIG_TEXT characters; a cut one ends with a hash of the whole, so a change past the cut still shows. */
function clipText(text, hash) {
    if (text.length <= MAX_CONFIG_TEXT)
        return text;
    // Cut in UTF-16 units (what the manifest's schema counts), never inside a surrogate pair.
    const head = text.slice(0, MAX_CONFIG_TEXT - 30).replace(/[\uD800-\uDBFF]$/, '');
    return `${head}… (sha256 ${hash(text).slice(0, 12)})`;
}
function recordConfigValues(leaves, hide, hash) {
    const values = new Map();
    const kept = leaves.slice(0, MAX_CONFIG_LEAVES);
    for (const leaf of kept) {
        const secret = looksSecretKey(leaf.path) || hide(leaf.path) || looksSecretValue(leaf.value);
        values.set(clipText(dottedKey(leaf.path), hash), secret ? HIDDEN : clipText(leaf.value, hash));
    }
    const omitted = leaves.length - kept.length;
    return { values: Object.fromEntries(values), ...(omitted > 0 ? { omitted } : {}) };
}
/** Masks again what a recorded map may still hold (an older manifest, or one a pull request wrote). */
function maskRecorded(values) {
    // A Map: keys come from a pull request, and `__proto__` is a key like any other here.
    const masked = new Map();
    for (const [key, value] of Object.entries(values))
        masked.set(key, looksSecretKey(splitDotted(key)) || looksSecretValue(value) ? HIDDEN : value);
    return masked;
}
/** The segments of a dotted key, for the key-word check (`["a.b"]` stays one segment). */
function splitDotted(key) {
    const segments = [];
    const pattern = /\["((?:[^"\\]|\\.)*)"\]|([^.[]+)/g;
    for (const match of key.matchAll(pattern))
        segments.push(match[1] ?? match[2] ?? '');
    return segments;
}
/** What changed from `before` (production's config) to `after` (the candidate's), keys sorted. */
function diffConfigValues(before, after) {
    const [old, now] = [maskRecorded(before), maskRecorded(after)];
    const diff = { changed: [], added: [], removed: [], hidden: 0, unchanged: 0 };
    const keys = [...new Set([...old.keys(), ...now.keys()])].sort();
    for (const key of keys) {
        const [from, to] = [old.get(key), now.get(key)];
        if (from === undefined)
            diff.added.push({ key, value: to });
        else if (to === undefined)
            diff.removed.push({ key, value: from });
        else if (from === HIDDEN || to === HIDDEN)
            diff.hidden++;
        else if (from !== to)
            diff.changed.push({ key, from, to });
        else
            diff.unchanged++;
    }
    return diff;
}

;// CONCATENATED MODULE: ./shared/files/expand.ts
/**
 * The one reading of a path list, as users write it in `data`, `code` and `outputs`, in every
 * action and the CLI: one entry a line, each a file, a folder (every file inside, recursively)
 * or a glob pattern (`data/*.csv`, `src/**`, `{train,eval}.csv`), and `!pattern` to leave files
 * out. Hidden files match, as in @actions/glob and actions/upload-artifact's patterns; `.git`
 * never does. Symbolic links are not followed while walking (a pull request's link to / or
 * /proc would have the walk read the runner's file system, or loop), but a link that leads to a
 * file is listed, so that the caller's confinement judges where it leads.
 */




const GLOB_CHARACTERS = /[*?[\]{}]/;
const NEVER_MATCHED = (/* unused pure expression or super */ null && (['**/.git/**', '.git/**']));
/** Absolute paths of the files the entries name, each once: in the order given, a pattern's or folder's matches sorted. */
async function expand_expandPaths(entries, baseDir, what) {
    const exclusions = entries.filter((e) => e.startsWith('!')).map((e) => e.slice(1));
    const excluded = exclusions.length ? await matchPatterns(exclusions, baseDir) : new Set();
    const files = new Set();
    for (const entry of entries) {
        if (entry.startsWith('!'))
            continue;
        const found = GLOB_CHARACTERS.test(entry)
            ? await patternMatches(entry, baseDir, what)
            : await filesAt(entry, baseDir, what);
        for (const file of found)
            if (!excluded.has(file))
                files.add(file);
    }
    return [...files];
}
/**
 * The same files as `expandPaths`, named as a report shows them: a file named by its path as
 * the user wrote it, a file found in a folder or by a pattern relative to `baseDir` when inside
 * it (absolute otherwise).
 */
async function expandPathsAsWritten(entries, baseDir, what) {
    const written = new Map(entries.filter((e) => !e.startsWith('!')).map((entry) => [resolve(baseDir, entry), entry]));
    return (await expand_expandPaths(entries, baseDir, what)).map((path) => written.get(path) ?? displayPath(path, baseDir));
}
/** `path` relative to `baseDir` when inside it, else absolute. */
function displayPath(path, baseDir) {
    const inside = relative(baseDir, path);
    return inside && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
// Each pattern alone, so that one matching nothing is reported by name.
async function patternMatches(pattern, baseDir, what) {
    const matched = [...(await matchPatterns([pattern], baseDir))].sort();
    if (matched.length === 0)
        throw new UserError(`The ${what} pattern "${pattern}" matches no file (relative paths resolve against ${baseDir}). Check the pattern, or that the files exist at this step.`);
    return matched;
}
async function matchPatterns(patterns, baseDir) {
    // Loaded only for patterns: most workflows name their files, and start-up counts.
    const { glob } = await __nccwpck_require__.e(/* import() */ 448).then(__nccwpck_require__.bind(__nccwpck_require__, 76448));
    const matches = await glob([...patterns], {
        cwd: baseDir,
        absolute: true,
        onlyFiles: true,
        dot: true,
        expandDirectories: false,
        followSymbolicLinks: false,
        ignore: NEVER_MATCHED,
    });
    return new Set(matches.map((path) => resolve(path)));
}
async function filesAt(entry, baseDir, what) {
    const absolute = resolve(baseDir, entry);
    const link = await lstat(absolute).catch((error) => {
        throw fileError(error, entry, what, baseDir);
    });
    const info = link.isSymbolicLink() ? await stat(absolute).catch(() => undefined) : link;
    // A link is the caller's to judge (confinement follows it and names where it leads), unless
    // it leads to a folder inside, which is read as the folder it stands for.
    if (!info?.isDirectory() && link.isSymbolicLink())
        return [absolute];
    if (!info || info.isFile())
        return [absolute];
    if (!info.isDirectory())
        throw new UserError(`The ${what} "${entry}" is neither a file nor a folder.`);
    const found = await readdir(absolute, { recursive: true, withFileTypes: true });
    const candidates = found
        .filter((d) => d.isFile() || d.isSymbolicLink())
        .map((d) => join(d.parentPath, d.name))
        .filter((path) => !path.slice(absolute.length).split(/[\\/]/).includes('.git'));
    const files = [];
    for (const path of candidates)
        if ((await stat(path).catch(() => undefined))?.isFile())
            files.push(path);
    if (files.length === 0)
        throw new UserError(`The ${what} folder "${entry}" holds no files.`);
    return files.sort();
}

;// CONCATENATED MODULE: ./shared/lineage/owner.ts
/**
 * Who owns a model: the GitHub handles (`@login`, `@org/team-slug`) or e-mail addresses that
 * train-model's `owner` input names, or else the owners CODEOWNERS gives the training code. The
 * manifest records them and promote-model copies the handles into the deployment payload, so
 * that the fleet view can show an owner, and flag one who has left, without a manifest.
 *
 * CODEOWNERS is read as GitHub reads it (docs.github.com, "About code owners"): the first of
 * `.github/CODEOWNERS`, `CODEOWNERS` and `docs/CODEOWNERS` at the repository root (the
 * workspace); a file of 3 MB or more is not loaded; `#` starts a comment; each line is a pattern
 * and its owners, and the LAST rule whose pattern matches a path decides its owners (a rule
 * without owners leaves the path unowned). A malformed line is skipped, as GitHub skips it,
 * with a warning naming the file and the line.
 *
 * Patterns follow gitignore's with GitHub's documented exceptions, which make those lines
 * invalid: no `!` negation, no `[ ]` character ranges, and no `\#` escape of a leading `#`. The
 * matching is not gitignore's either: `docs/*` owns `docs/a.md` but not `docs/build/b.md`
 * (GitHub's own example), where a gitignore matcher such as the `ignore` package also matches
 * the nested file through its ignored parent folder (`ignore` 5.3.2 gets `docs/*` and `/*`
 * wrong on 3 of 56 cases drawn from hmarr/codeowners' GitHub-checked pattern table). So
 * patterns are translated here, after those semantics (test/shared/owner.test.ts holds the
 * cases), and run by re2js: the file may come from a pull request, and RE2's automaton cannot
 * be made to backtrack by a pattern such as `*a*a*a*a*a*b` as a JavaScript RegExp can. Patterns
 * without wildcards (most of them) are compared as text.
 */









/** Where GitHub looks for CODEOWNERS, in the order it looks (the first found is used). */
const CODEOWNERS_LOCATIONS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'];
/** GitHub does not load a CODEOWNERS file of 3 MB or more. */
const MAX_CODEOWNERS_BYTES = (/* unused pure expression or super */ null && (3 * 1024 * 1024));
/** A longer pattern is no path of a repository: the line is skipped rather than compiled. */
const MAX_PATTERN_LENGTH = 4096;
/** How many of the `code` files vote on the owner (a code list is a few files, not a tree). */
const MAX_VOTING_FILES = 1000;
/** How many handles an owner may have (the deployment payload carries them). */
const MAX_OWNER_HANDLES = 50;
/** GitHub shows at most 10 warning annotations of a step: the rest of the skipped lines are counted. */
const MAX_LINE_WARNINGS = 10;
/**
 * GitHub's login alphabet: letters, digits and "-", not starting with "-", at most 39
 * characters (older accounts may hold "--" or end in "-", so those are let through).
 */
const LOGIN = '[A-Za-z0-9][A-Za-z0-9-]{0,38}';
/** A team slug: GitHub derives it from the team's name, lower-case, with "-" (and "_", "."). */
const TEAM_SLUG = '[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}';
/**
 * An e-mail address in a conservative alphabet: the local part's letters, digits and `._%+-`
 * and a dotted domain. No quote, space, `<`, `|` or backtick: a handle is shown in Markdown and
 * HTML by the fleet view, read back from a payload anyone who may deploy could have written.
 */
const EMAIL = '[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63})+';
const HANDLE = new RegExp(`^(?:@${LOGIN}(?:/${TEAM_SLUG})?|${EMAIL})$`);
const HANDLE_RULE = 'a GitHub handle ("@login" or "@org/team-slug", letters, digits and "-" in the login) or an e-mail address ("name@example.com")';
function isOwnerHandle(value) {
    return value.length <= 254 && HANDLE.test(value);
}
/** A handle read back from a manifest or a deployment payload: hostile until it passes. */
const ownerHandleSchema = schemas/* string */.YjP()
    .refine(isOwnerHandle, { message: `must be ${HANDLE_RULE}` });
const ownerSchema = schemas/* object */.Ikc({
    handles: schemas/* array */.YOg(ownerHandleSchema).min(1).max(MAX_OWNER_HANDLES),
    /** `input`: train-model's `owner`; `codeowners`: the rule of `file` at `line`. */
    source: schemas/* enum */.k5n(['input', 'codeowners']),
    file: schemas/* enum */.k5n(CODEOWNERS_LOCATIONS).optional(),
    line: schemas/* number */.aig().int().positive().optional(),
});
/**
 * The `owner` input's handles: one per line, or separated by commas or spaces; each once, in
 * the order given. `problem` completes `input "owner" …` when a value is no handle.
 */
function readOwnerHandles(text) {
    const handles = [...new Set(text.split(/[\s,]+/).filter((value) => value !== ''))];
    const bad = handles.filter((value) => !isOwnerHandle(value));
    if (bad.length) {
        const hint = bad.some((value) => /^[A-Za-z0-9][A-Za-z0-9-]*(?:\/\S+)?$/.test(value))
            ? ' A login or a team needs its leading "@" ("@octocat", "@octo-org/ml-team").'
            : '';
        return {
            handles,
            problem: `has ${bad
                .slice(0, 5)
                .map((value) => quoteValue(value))
                .join(', ')}${bad.length > 5 ? ` and ${bad.length - 5} more` : ''}, which ${bad.length === 1 ? 'is' : 'are'} not ${HANDLE_RULE}.${hint} Give one owner per line or separate them with commas`,
        };
    }
    if (handles.length > MAX_OWNER_HANDLES)
        return {
            handles,
            problem: `names ${handles.length} owners; at most ${MAX_OWNER_HANDLES} are recorded. Name a team ("@org/team-slug") instead of its members`,
        };
    return { handles };
}
/**
 * The rules of a CODEOWNERS file, in file order. `warn` hears of each malformed line (which is
 * skipped, as GitHub skips it) with its line number; the text is never an error.
 */
function parseCodeowners(text, warn = () => undefined) {
    const rules = [];
    // A byte-order mark is no part of the first pattern.
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    for (const [index, raw] of lines.entries()) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#'))
            continue;
        const parsed = parseRule(line);
        if (typeof parsed === 'string')
            warn(index + 1, parsed);
        else
            rules.push({ ...parsed, line: index + 1 });
    }
    return rules;
}
function parseRule(line) {
    // eslint-disable-next-line no-control-regex -- control characters are what is refused here
    if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(line))
        return 'it holds a control character';
    const patternEnd = patternLength(line);
    const pattern = line.slice(0, patternEnd);
    const problem = patternProblem(pattern);
    if (problem)
        return problem;
    const owners = [];
    for (const token of line.slice(patternEnd).split(/\s+/)) {
        if (token === '')
            continue;
        if (token.startsWith('#'))
            break; // a comment after the owners
        if (!isOwnerHandle(token))
            return `the owner ${quoteValue(token)} is not ${HANDLE_RULE}, so GitHub skips the line`;
        owners.push(token);
    }
    return { pattern, owners: [...new Set(owners)], matches: compileCodeownersPattern(pattern) };
}
/** Where the pattern ends: at the first whitespace that no "\\" escapes (`my\\ file.txt`). */
function patternLength(line) {
    for (let at = 0; at < line.length; at++) {
        if (line[at] === '\\')
            at++;
        else if (/\s/.test(line[at]))
            return at;
    }
    return line.length;
}
/** Why GitHub would not read `pattern` as a CODEOWNERS pattern, or undefined when it would. */
function patternProblem(pattern) {
    if (pattern.length > MAX_PATTERN_LENGTH)
        return `its pattern is longer than ${MAX_PATTERN_LENGTH} characters`;
    if (pattern.startsWith('\\#'))
        return 'its pattern escapes a leading "#" with "\\", which GitHub does not support in CODEOWNERS';
    if (pattern.startsWith('!'))
        return 'its pattern starts with "!": GitHub does not support negation in CODEOWNERS (give the files their own rule, with or without owners, below the broader one)';
    if (/(?<!\\)(?:\\\\)*[[\]]/.test(pattern))
        return 'its pattern has "[ ]": GitHub does not support character ranges in CODEOWNERS';
    if (pattern.includes('***'))
        return 'its pattern has "***"';
    if (/.\/\/./.test(pattern))
        return 'its pattern has an empty path segment ("//")';
    return undefined;
}
/**
 * A matcher of repository-relative "/"-separated paths for a valid pattern, with GitHub's
 * semantics: a pattern without a "/" but at its end matches at any depth; a leading "/" or a
 * "/" inside anchors it at the root; a trailing "/" matches only what is inside the folder;
 * otherwise the pattern matches the path and everything below it, except that a last segment
 * of a lone `*` matches one level only (`docs/*`). `*` and `?` never cross a "/"; `**` does.
 */
function compileCodeownersPattern(pattern) {
    if (pattern === '/')
        return () => false; // "/" names nothing (GitHub says so too)
    let segments = pattern.split('/');
    if (segments[0] === '')
        segments = segments.slice(1);
    else if ((segments.length === 1 || (segments.length === 2 && segments[1] === '')) &&
        segments[0] !== '**')
        segments = ['**', ...segments];
    if (segments.length > 1 && segments.at(-1) === '')
        segments[segments.length - 1] = '**';
    const literal = literalMatcher(segments);
    if (literal)
        return literal;
    // The text between wildcards must be in the path: a substring test turns most paths away
    // before the automaton (compiled on first use) runs, so thousands of rules cost milliseconds.
    const pieces = segments.flatMap(literalPieces);
    let compiled;
    const source = patternSource(segments);
    return (path) => pieces.every((piece) => path.includes(piece)) &&
        (compiled ??= RE2JS.compile(source)).testExact(path);
}
/** The runs of literal text in a segment, between its wildcards, escapes undone. */
function literalPieces(segment) {
    const pieces = [];
    let piece = '';
    for (let at = 0; at < segment.length; at++) {
        const char = segment[at];
        if (char === '\\' && at + 1 < segment.length)
            piece += segment[++at];
        else if (char === '*' || char === '?') {
            pieces.push(piece);
            piece = '';
        }
        else
            piece += char;
    }
    return [...pieces, piece].filter((text) => text !== '');
}
/** A text comparison for a pattern without wildcards (an optional leading and trailing `**`). */
function literalMatcher(segments) {
    const anywhere = segments[0] === '**' && segments.length > 1;
    const inside = segments.at(-1) === '**' && segments.length > 1;
    const middle = segments.slice(anywhere ? 1 : 0, inside ? -1 : undefined);
    if (middle.length === 0 || middle.some((segment) => /[*?]/.test(segment.replace(/\\./g, ''))))
        return undefined;
    const text = middle.map((segment) => segment.replace(/\\(.)/g, '$1')).join('/');
    return (path) => {
        const candidates = anywhere ? suffixes(path) : [path];
        return candidates.some((at) => inside ? at.startsWith(`${text}/`) : at === text || at.startsWith(`${text}/`));
    };
}
/** `a/b/c`, `b/c` and `c`: where a pattern that may start at any depth can start. */
function suffixes(path) {
    const found = [path];
    for (let at = path.indexOf('/'); at !== -1; at = path.indexOf('/', at + 1))
        found.push(path.slice(at + 1));
    return found;
}
/** The RE2 expression of a pattern's segments (after the anchoring rules above). */
function patternSource(segments) {
    const last = segments.length - 1;
    let source = '';
    let needSlash = false;
    for (const [index, segment] of segments.entries()) {
        if (segment === '**') {
            if (index === 0 && index === last)
                source += '.+';
            else if (index === 0)
                source += '(?:.+/)?';
            else if (index === last)
                source += '/.*';
            else
                source += '(?:/.+)?';
            needSlash = index !== 0;
            continue;
        }
        if (needSlash)
            source += '/';
        if (segment === '*')
            source += '[^/]+';
        else {
            source += segmentSource(segment);
            if (index === last)
                source += '(?:/.*)?';
        }
        needSlash = true;
    }
    return `(?s)^${source}$`;
}
function segmentSource(segment) {
    let source = '';
    for (let at = 0; at < segment.length; at++) {
        const char = segment[at];
        if (char === '\\' && at + 1 < segment.length)
            source += RE2JS.quote(segment[++at]);
        else if (char === '*')
            source += '[^/]*';
        else if (char === '?')
            source += '[^/]';
        else
            source += RE2JS.quote(char);
    }
    return source;
}
/** The last rule that matches `path` (GitHub's precedence), or undefined when none does. */
function lastMatchingRule(rules, path) {
    for (let index = rules.length - 1; index >= 0; index--)
        if (rules[index].matches(path))
            return rules[index];
    return undefined;
}
/**
 * A name no file can have (NUL), for "any file directly in this folder": only rules that own
 * the folder whatever a file in it is called match it (`/models/churn/`, `models/`, `*`,
 * `/models/*`), not rules that single files out by name or extension (`*.py`, `README.md`).
 */
const ANY_FILE = '\u0000';
/**
 * The model's owner: the `owner` input's handles, or the owners CODEOWNERS gives the training
 * code. Which code: with `code` set, its files, and the owners are those of the rule owning the
 * most of them (a tie goes to the rule further down, which GitHub ranks higher); with `code`
 * empty, the working directory, and the owners are those of the last rule that owns any file
 * directly in it, as GitHub would request their review for a new file there. Undefined when
 * neither says (no input and no CODEOWNERS, or no rule with owners matches).
 */
async function resolveOwner(request) {
    if (request.handles?.length)
        return { handles: [...request.handles], source: 'input' };
    const found = await readCodeowners(request.confinement, request.log);
    if (!found)
        return undefined;
    let skipped = 0;
    const rules = parseCodeowners(found.text, (line, problem) => {
        if (++skipped <= MAX_LINE_WARNINGS)
            request.log.warning(`${found.file} line ${line} is skipped: ${problem}.`, {
                file: found.file,
                line,
                title: 'CODEOWNERS',
            });
    });
    if (skipped > MAX_LINE_WARNINGS)
        request.log.info(`${found.file}: ${skipped - MAX_LINE_WARNINGS} more lines are skipped, as GitHub skips them.`);
    const workspace = request.confinement.workspace;
    const rule = request.code?.length
        ? await ruleOfMostFiles(rules, request.code, request.cwd, workspace)
        : lastMatchingRule(rules, folderPath(request.cwd, workspace));
    if (!rule?.owners.length) {
        request.log.info(`${found.file} names no owner for the training code, so the manifest records none (set input "owner" to name one).`);
        return undefined;
    }
    if (rule.owners.length > MAX_OWNER_HANDLES)
        request.log.warning(`${found.file} line ${rule.line} names ${rule.owners.length} owners; the manifest records the first ${MAX_OWNER_HANDLES}. Name a team ("@org/team-slug") instead of its members.`);
    return {
        handles: rule.owners.slice(0, MAX_OWNER_HANDLES),
        source: 'codeowners',
        file: found.file,
        line: rule.line,
    };
}
/** `<folder>/<ANY_FILE>`, relative to the workspace with "/" separators. */
function folderPath(folder, workspace) {
    const inside = relative(workspace, folder).split(sep).join('/');
    return inside && !inside.startsWith('..') && !isAbsolute(inside)
        ? `${inside}/${ANY_FILE}`
        : ANY_FILE;
}
async function ruleOfMostFiles(rules, code, cwd, workspace) {
    const files = (await expandPaths(code, cwd, 'code path')).slice(0, MAX_VOTING_FILES);
    const votes = new Map();
    for (const file of files) {
        const path = relative(workspace, resolve(cwd, file)).split(sep).join('/');
        if (path.startsWith('..') || isAbsolute(path))
            continue;
        const rule = lastMatchingRule(rules, path);
        if (rule?.owners.length)
            votes.set(rule, (votes.get(rule) ?? 0) + 1);
    }
    let best;
    for (const [rule, count] of votes) {
        const bestCount = best ? votes.get(best) : 0;
        if (count > bestCount || (count === bestCount && rule.line > best.line))
            best = rule;
    }
    return best;
}
/**
 * The first CODEOWNERS file GitHub would use, read inside the workspace. A file that leads
 * outside it (a symbolic link), is no regular file, or is too large for GitHub is warned
 * about and not read: ownership is recorded, never a reason to fail training.
 */
async function readCodeowners(confinement, log) {
    for (const file of CODEOWNERS_LOCATIONS) {
        let path;
        try {
            path = await confinePath(file, confinement, {
                what: 'CODEOWNERS file',
                baseDir: confinement.workspace,
                kind: 'any',
            });
        }
        catch (error) {
            if (!isUserError(error))
                throw error;
            log.warning(`${error.message} The model's owner is not read from it.`);
            return undefined;
        }
        const info = await stat(path).catch(() => undefined);
        if (!info)
            continue;
        if (!info.isFile()) {
            log.warning(`${file} is not a regular file, so the model's owner is not read from CODEOWNERS.`);
            return undefined;
        }
        if (info.size >= MAX_CODEOWNERS_BYTES) {
            log.warning(`${file} is ${info.size} bytes; GitHub does not load a CODEOWNERS file of 3 MB or more, so neither does train-model: the model's owner is not read from it.`);
            return undefined;
        }
        return { file, text: await readUserFile(path, 'CODEOWNERS file') };
    }
    return undefined;
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(73024);
;// CONCATENATED MODULE: ./shared/files/hash.ts




function hash_sha256Text(text) {
    return createHash('sha256').update(text).digest('hex');
}
/** The sha256 of a file, streamed so that model and data files of any size hash in constant memory. */
async function sha256File(path, what = 'file', baseDir = process.cwd()) {
    const hash = (0,external_node_crypto_.createHash)('sha256');
    try {
        for await (const chunk of (0,external_node_fs_.createReadStream)((0,external_node_path_.resolve)(baseDir, path)))
            hash.update(chunk);
    }
    catch (error) {
        throw read_file_fileError(error, path, what, baseDir);
    }
    return hash.digest('hex');
}
/** JSON with object keys sorted at every level, so that equal content hashes equally. */
function hash_canonicalJson(value) {
    return JSON.stringify(sortKeys(value));
}
function sortKeys(value) {
    if (Array.isArray(value))
        return value.map(sortKeys);
    if (value && typeof value === 'object' && !(value instanceof Date)) {
        return Object.fromEntries(Object.keys(value)
            .sort()
            .map((key) => [key, sortKeys(value[key])]));
    }
    return value;
}

;// CONCATENATED MODULE: ./shared/lineage/runtime.ts
/**
 * What the training ran on, read after the command: the Python on the command's PATH (its
 * version and every installed distribution, as `pip freeze --all` lists them, read through
 * importlib.metadata so that pip need not be installed), R's version when Rscript is there, the
 * runner image (`ImageOS`/`ImageVersion`, set on GitHub's hosted runners) and the OS release
 * (/etc/os-release). Interpreters run with argument lists, never through a shell, with a
 * timeout and a bounded output; one that is missing or fails is left out, never fails the step.
 */




const LIMITS = {
    /** How long one interpreter may take to answer. */
    timeoutMs: 60_000,
    /** Bytes of its output (a large environment lists a few thousand packages, ~100 kB). */
    maxOutputBytes: 8 * 1024 * 1024,
    maxPackages: 20_000,
};
const runtime_text = schemas/* string */.YjP().max(500);
const packageSchema = schemas/* object */.Ikc({ name: schemas/* string */.YjP().max(200), version: schemas/* string */.YjP().max(200) });
const runtimeSchema = schemas/* object */.Ikc({
    python: schemas/* object */.Ikc({
        version: runtime_text,
        implementation: runtime_text.optional(),
        executable: schemas/* string */.YjP().max(4096).optional(),
        /** Every installed distribution, sorted by name: the `pip freeze --all` of the run. */
        packages: schemas/* array */.YOg(packageSchema).max(LIMITS.maxPackages).optional(),
    })
        .optional(),
    r: schemas/* object */.Ikc({ version: runtime_text }).optional(),
    /** GitHub's hosted-runner image: `ImageOS` (e.g. ubuntu24) and `ImageVersion`. */
    image: schemas/* object */.Ikc({ os: runtime_text.optional(), version: runtime_text.optional() }).optional(),
    /** From /etc/os-release. */
    osRelease: schemas/* object */.Ikc({ id: runtime_text.optional(), versionId: runtime_text.optional(), prettyName: runtime_text.optional() })
        .optional(),
});
/**
 * The runtime in a few fields, small enough for a deployment payload and a comparison: equal
 * summaries mean the same interpreter versions, image, OS and installed packages.
 */
const runtimeSummarySchema = schemas/* object */.Ikc({
    python: runtime_text.optional(),
    r: runtime_text.optional(),
    image: runtime_text.optional(),
    os: runtime_text.optional(),
    packages: schemas/* object */.Ikc({ count: schemas/* number */.aig().int().nonnegative(), sha256: schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/) })
        .optional(),
});
function summariseRuntime(runtime) {
    if (!runtime)
        return undefined;
    const packages = runtime.python?.packages;
    const image = [runtime.image?.os, runtime.image?.version].filter(Boolean).join(' ');
    const os = runtime.osRelease?.prettyName ??
        ([runtime.osRelease?.id, runtime.osRelease?.versionId].filter(Boolean).join(' ') || undefined);
    const summary = {
        ...(runtime.python ? { python: runtime.python.version } : {}),
        ...(runtime.r ? { r: runtime.r.version } : {}),
        ...(image ? { image } : {}),
        ...(os ? { os } : {}),
        ...(packages
            ? {
                packages: {
                    count: packages.length,
                    sha256: sha256Text(canonicalJson(packages.map((p) => `${p.name}==${p.version}`))),
                },
            }
            : {}),
    };
    return Object.keys(summary).length ? summary : undefined;
}
/** Prints the interpreter's version and its installed distributions as JSON. */
const PYTHON_SCRIPT = (/* unused pure expression or super */ null && (`
import json, platform, sys
try:
    from importlib import metadata
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[name.lower()] = (name, dist.version or "")
    packages = [{"name": n, "version": v} for n, v in sorted(found.values(), key=lambda p: p[0].lower())]
except Exception:
    packages = None
print(json.dumps({"version": platform.python_version(), "implementation": platform.python_implementation(), "executable": sys.executable, "packages": packages}))
`));
/** The runtime the command ran with: `env` is the command's environment (its PATH finds the interpreters). */
async function readRuntime(env, cwd) {
    const [python, r, osRelease] = await Promise.all([
        readPython(env, cwd),
        readR(env, cwd),
        readOsRelease(),
    ]);
    const image = {
        ...(env.ImageOS ? { os: env.ImageOS } : {}),
        ...(env.ImageVersion ? { version: env.ImageVersion } : {}),
    };
    return runtimeSchema.parse({
        ...(python ? { python } : {}),
        ...(r ? { r } : {}),
        ...(Object.keys(image).length ? { image } : {}),
        ...(osRelease ? { osRelease } : {}),
    });
}
async function readPython(env, cwd) {
    for (const command of ['python3', 'python']) {
        const output = await run(command, ['-c', PYTHON_SCRIPT], env, cwd);
        if (output === undefined)
            continue;
        const parsed = runtimeSchema.shape.python.safeParse((() => {
            try {
                const value = JSON.parse(output);
                return { ...value, packages: value.packages ?? undefined };
            }
            catch {
                return undefined;
            }
        })());
        if (parsed.success && parsed.data)
            return parsed.data;
    }
    return undefined;
}
async function readR(env, cwd) {
    const output = await run('Rscript', ['-e', 'cat(as.character(getRversion()))'], env, cwd);
    const version = output?.trim();
    return version && /^\d+(\.\d+)*$/.test(version) ? { version } : undefined;
}
async function readOsRelease() {
    const content = await readFile('/etc/os-release', 'utf8').catch(() => undefined);
    if (content === undefined)
        return undefined;
    const fields = new Map();
    for (const line of content.split('\n')) {
        const match = /^([A-Z_]+)=(.*)$/.exec(line.trim());
        if (match)
            fields.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2').slice(0, 500));
    }
    const release = {
        ...(fields.get('ID') ? { id: fields.get('ID') } : {}),
        ...(fields.get('VERSION_ID') ? { versionId: fields.get('VERSION_ID') } : {}),
        ...(fields.get('PRETTY_NAME') ? { prettyName: fields.get('PRETTY_NAME') } : {}),
    };
    return Object.keys(release).length ? release : undefined;
}
/** stdout of a program that exits 0 in time, else undefined (missing, failing, too slow or too talkative). */
function run(command, args, env, cwd) {
    return new Promise((resolve) => {
        execFile(command, args, {
            env,
            cwd,
            timeout: LIMITS.timeoutMs,
            maxBuffer: LIMITS.maxOutputBytes,
            encoding: 'utf8',
            windowsHide: true,
        }, (error, stdout) => resolve(error ? undefined : stdout));
    });
}

;// CONCATENATED MODULE: ./shared/lineage/manifest.ts
/**
 * The lineage manifest (`model-manifest.json`): what a model was built from and what it is.
 *
 * A manifest may come from a pull request's run, so it is hostile until validated: its model
 * name and version must be identifiers (they become tags, deployments and outputs), and the
 * paths it names must be relative paths inside the working directory, as train-model writes
 * them, since promote-model reads and publishes the files they name.
 */





const MANIFEST_FORMAT = 'mlops-actions/model-manifest@1';
/** Linux's PATH_MAX: no file a training command writes has a longer path. */
const MAX_PATH_LENGTH = 4096;
/**
 * Why `path` is not a relative, "/"-separated path that stays inside its base folder, or
 * undefined when it is one. `leadingParents` lets it start with ".." segments (a lock file of the
 * repository root or a shared data file, recorded from a working directory below it).
 */
function manifestPathProblem(path, leadingParents = false) {
    if (path === '')
        return 'it is empty';
    if (path.length > MAX_PATH_LENGTH)
        return `it is longer than ${MAX_PATH_LENGTH} characters`;
    // eslint-disable-next-line no-control-regex -- control characters are what is refused here
    if (/[\u0000-\u001f\u007f]/.test(path))
        return 'it holds a control character';
    if (path.includes('\\'))
        return 'it holds a "\\" (paths are recorded with "/")';
    if (path.startsWith('/') || /^[A-Za-z]:/.test(path))
        return 'it is absolute';
    const segments = path.split('/');
    const firstOwn = leadingParents ? segments.findIndex((segment) => segment !== '..') : 0;
    for (const [index, segment] of segments.entries()) {
        if (segment === '')
            return 'it has an empty segment ("//" or a "/" at either end)';
        if (segment === '.')
            return 'it has a "." segment';
        if (segment === '..' && index >= firstOwn)
            return leadingParents ? 'it has a ".." segment after its start' : 'it has a ".." segment';
    }
    return undefined;
}
const relativePath = (leadingParents = false) => schemas/* string */.YjP().superRefine((value, ctx) => {
    const problem = manifestPathProblem(value, leadingParents);
    if (problem) {
        const rule = leadingParents
            ? 'a relative path with "/" separators'
            : 'a relative path inside the working directory, with "/" separators';
        ctx.addIssue({
            code: 'custom',
            input: value,
            message: `must be ${rule}, but ${problem}; got ${(0,identifiers/* quoteValue */.cl)(value)}`,
        });
    }
});
const sha256 = schemas/* string */.YjP().regex(/^[0-9a-f]{64}$/);
const hashedFile = (path) => schemas/* object */.Ikc({ path, sha256, bytes: schemas/* number */.aig().int().nonnegative().optional() });
/**
 * Output files: each path once, and none inside another that is listed as a file (a release is
 * restored to these paths). With "/" sorting first, a path's descendants follow it directly, so
 * comparing neighbours finds every clash in O(n log n).
 */
const outputFiles = schemas/* array */.YOg(hashedFile(relativePath()))
    .min(1)
    .superRefine((outputs, ctx) => {
    const keys = outputs.map((output) => output.path.replaceAll('/', '\u0000'));
    const order = keys
        .map((_, index) => index)
        .sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : a - b));
    for (let at = 1; at < order.length; at++) {
        const [before, index] = [order[at - 1], order[at]];
        const [earlier, path] = [outputs[before].path, outputs[index].path];
        if (keys[index] === keys[before])
            ctx.addIssue({
                code: 'custom',
                path: [index, 'path'],
                input: path,
                message: `lists ${(0,identifiers/* quoteValue */.cl)(path)} a second time (also at outputs[${before}])`,
            });
        else if (keys[index].startsWith(`${keys[before]}\u0000`))
            ctx.addIssue({
                code: 'custom',
                path: [index, 'path'],
                input: path,
                message: `puts ${(0,identifiers/* quoteValue */.cl)(path)} inside ${(0,identifiers/* quoteValue */.cl)(earlier)}, which is listed as a file`,
            });
    }
});
const manifestSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(MANIFEST_FORMAT),
    model: schemas/* object */.Ikc({ name: (0,identifiers/* identifier */.Cv)('model name'), version: (0,identifiers/* identifier */.Cv)('model version') }),
    fingerprint: sha256,
    config: schemas/* object */.Ikc({
        path: relativePath(),
        sha256: schemas/* string */.YjP(),
        canonicalSha256: schemas/* string */.YjP(),
        /**
         * The canonical config's values by dotted key, credentials hidden (config-diff.ts), for the
         * comment's "Config changes"; absent in manifests written before it was recorded.
         */
        values: schemas/* record */.g1P(schemas/* string */.YjP().max(MAX_CONFIG_TEXT), schemas/* string */.YjP().max(MAX_CONFIG_TEXT))
            .refine((values) => Object.keys(values).length <= MAX_CONFIG_LEAVES, {
            message: `must hold at most ${MAX_CONFIG_LEAVES} keys`,
        })
            .optional(),
        /** How many of the config's values were not recorded (past MAX_CONFIG_LEAVES). */
        valuesOmitted: schemas/* number */.aig().int().nonnegative().optional(),
    }),
    // Data may live beside the working directory (a monorepo's shared data/ folder): promotion
    // lists these files in the model card and never opens them.
    data: schemas/* array */.YOg(hashedFile(relativePath(true))),
    /** The code tree (see code-tree.ts): its sha256, where it came from and how many files. */
    code: schemas/* object */.Ikc({
        source: schemas/* enum */.k5n(['git', 'paths', 'none']),
        sha256: schemas/* string */.YjP(),
        files: schemas/* number */.aig().int().nonnegative(),
    })
        .optional(),
    /** Dependency lock files, each with its sha256. */
    lockFiles: schemas/* array */.YOg(hashedFile(relativePath(true))).optional(),
    /** Unpinned dependencies found (`strict-pins`), as `file:line: message`. */
    unpinned: schemas/* array */.YOg(schemas/* string */.YjP()).optional(),
    command: schemas/* string */.YjP(),
    /** The pins the command got in its environment (config path, seed, determinism settings). */
    environment: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    seed: schemas/* number */.aig().int(),
    workingDirectory: schemas/* string */.YjP(),
    outputs: outputFiles,
    runner: schemas/* object */.Ikc({
        os: schemas/* string */.YjP(),
        arch: schemas/* string */.YjP(),
        node: schemas/* string */.YjP(),
        platform: schemas/* string */.YjP().optional(),
    }),
    /** What the command ran on: Python and its packages, R, the runner image, the OS (runtime.ts). */
    runtime: runtimeSchema.optional(),
    /**
     * Who owns the model (owner.ts): train-model's `owner` input, or the CODEOWNERS rule of the
     * training code. Not a training input, so not part of the fingerprint. Absent when neither
     * names one.
     */
    owner: ownerSchema.optional(),
    /** The mlops-actions version that trained (part of the fingerprint). */
    actionVersion: schemas/* string */.YjP().optional(),
    git: schemas/* object */.Ikc({
        repository: schemas/* string */.YjP().optional(),
        sha: schemas/* string */.YjP().optional(),
        ref: schemas/* string */.YjP().optional(),
        runId: schemas/* string */.YjP().optional(),
        runUrl: schemas/* string */.YjP().optional(),
    }),
    training: schemas/* object */.Ikc({
        startedAt: schemas/* string */.YjP(),
        durationSeconds: schemas/* number */.aig().nonnegative(),
        /** Set when the outputs came from the run cache: the run that trained them. */
        restoredFrom: schemas/* object */.Ikc({
            runUrl: schemas/* string */.YjP().optional(),
            startedAt: schemas/* string */.YjP(),
            /** How long restoring the outputs took; `durationSeconds` is the training it saved. */
            restoreSeconds: schemas/* number */.aig().nonnegative().optional(),
        })
            .optional(),
    }),
});

// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __nccwpck_require__(57075);
// EXTERNAL MODULE: ./node_modules/papaparse/papaparse.js
var papaparse = __nccwpck_require__(28728);
var papaparse_default = /*#__PURE__*/__nccwpck_require__.n(papaparse);
// EXTERNAL MODULE: ./shared/markdown/escape.ts
var markdown_escape = __nccwpck_require__(32215);
;// CONCATENATED MODULE: ./shared/validation/findings.ts
/**
 * One taxonomy for every problem found in data, after frictionless' error codes (and, for
 * column and dataset checks, TFDV's anomalies and Great Expectations' expectations), so reports
 * from this project read like the ones data people already know.
 */

const FINDING_CODES = {
    // file: the bytes are not what the format says
    'encoding-error': 'file', // invalid UTF-8
    'compression-error': 'file', // a truncated or corrupt gzip stream
    'format-error': 'file', // a corrupt Parquet file
    'empty-file': 'file', // no header, or a header and no rows
    // header: the columns do not match the schema's fields (by its fieldsMatch rule)
    'missing-label': 'header', // a schema field has no column
    'extra-label': 'header', // a column has no schema field
    'duplicate-label': 'header', // two columns share a name
    'blank-label': 'header', // a column has no name
    'incorrect-label': 'header', // columns out of the schema's order (fieldsMatch: exact)
    'unmatched-header': 'header', // no column matches any field (fieldsMatch: partial)
    // row
    'source-error': 'row', // a row cannot be read (bad quoting, invalid JSON, not an object)
    'blank-row': 'row', // every cell of the row empty or missing (an empty line too), in a table of several columns
    'missing-cell': 'row', // one per cell a short row lacks (fieldsMatch exact: up to the schema's fields; else the header's)
    'extra-cell': 'row', // one per cell past the expected width (JSON Lines: keys the first object lacks)
    'primary-key': 'row', // a primary key value repeats or is missing
    'unique-key': 'row', // a uniqueKeys combination repeats
    'foreign-key': 'row', // a foreignKeys value has no match in the referenced fields
    // cell
    'type-error': 'cell', // not of the field's type and format
    'constraint-error': 'cell', // breaks a constraint; `constraint` names it
    'unique-error': 'cell', // repeats a value in a unique field
    'nan-value': 'cell', // NaN where ml.allowNaN is false
    'inf-value': 'cell', // ±Infinity where ml.allowInf is false
    // column (ml extensions)
    'mostly-violated': 'column', // fewer than `mostly` of the values pass the field's checks
    'null-fraction': 'column', // more missing values than ml.nullFraction.max
    'distinct-count': 'column', // distinct values outside ml.distinctCount
    'distinct-fraction': 'column', // distinct / non-missing outside ml.distinctFraction
    'stat-out-of-range': 'column', // mean, median, stdev, min, max or a quantile outside ml.stats
    'check-limit': 'column', // a bounded structure filled up: the check covered part of the data
    // dataset (ml extensions)
    'row-count': 'dataset', // rows outside ml.rowCount
    'duplicate-row': 'dataset', // more identical rows than ml.duplicateRows.maxFraction
    'class-imbalance': 'dataset', // the rarest class is below ml.classBalance.minRatio of the commonest
};
/** A reported finding made whole: its file (`file` unless it names one), its scope from its code, and error unless it says otherwise. */
function completeFinding(partial, file) {
    // Defaults first, then the partial's own: on Node 20 this is about 15 times faster than spreading
    // the partial first, and a hostile file can make millions of findings (one per blank line).
    const finding = {
        file,
        level: 'error',
        scope: FINDING_CODES[partial.code],
        ...partial,
    };
    if (finding.file === undefined)
        finding.file = file;
    if (finding.level === undefined)
        finding.level = 'error';
    return finding;
}
function shorten(value, limit = 120) {
    return value.length > limit ? `${value.slice(0, limit)}…` : value;
}
/** How much of a file's content a finding quotes at most: an observed value or a column name. */
const EXCERPT_LIMIT = 80;
/** A message longer than this is cut: it quotes excerpts only, so only a bug or a huge schema value could make it longer. */
const MESSAGE_LIMIT = 2_000;
/**
 * Whether a finding's text can be shown as it is: short, and without the invisible characters
 * (markdown/escape.ts) with which a cell could forge lines or hide text in an annotation, a log
 * or the job summary.
 */
const isSafe = (text, limit) => text === undefined || (text.length <= limit && !hasInvisible(text));
/** A short, escaped excerpt of file content, for a finding: at most `limit` characters of it, then "…". */
function excerpt(value, limit = EXCERPT_LIMIT) {
    if (value.length <= limit)
        return (0,markdown_escape/* escapeInvisible */.ts)(value);
    // Do not cut a surrogate pair in half.
    const end = /[\ud800-\udbff]/.test(value.charAt(limit - 1)) ? limit - 1 : limit;
    return `${(0,markdown_escape/* escapeInvisible */.ts)(value.slice(0, end))}…`;
}
/**
 * The finding as it may be shown and stored: what it quotes of the file is a short excerpt,
 * escaped. Every finding passes here (FindingSink), whichever check or worker made it.
 */
function safeFinding(finding) {
    // Most findings are short and plain: they pass as they are (this runs for every finding).
    if (isSafe(finding.message, MESSAGE_LIMIT) &&
        isSafe(finding.observed, EXCERPT_LIMIT) &&
        isSafe(finding.field, EXCERPT_LIMIT) &&
        isSafe(finding.expected, MESSAGE_LIMIT))
        return finding;
    const safe = { ...finding, message: excerpt(finding.message, MESSAGE_LIMIT) };
    if (finding.observed !== undefined)
        safe.observed = excerpt(finding.observed);
    if (finding.field !== undefined)
        safe.field = excerpt(finding.field);
    if (finding.expected !== undefined)
        safe.expected = excerpt(finding.expected, MESSAGE_LIMIT);
    return safe;
}
/** Collects findings: counts all, keeps the first `max`, and groups them by kind. */
class FindingSink {
    max;
    errors = 0;
    warnings = 0;
    kept = [];
    dropped = 0;
    groups = new Map();
    constructor(max) {
        this.max = max;
    }
    add(unsafe) {
        const finding = safeFinding(unsafe);
        if (finding.level === 'error')
            this.errors++;
        else
            this.warnings++;
        if (this.kept.length < this.max)
            this.kept.push(finding);
        else
            this.dropped++;
        const key = groupKey(finding);
        const group = this.groups.get(key);
        if (group)
            group.count++;
        else
            this.groups.set(key, {
                code: finding.code,
                level: finding.level,
                field: finding.field,
                constraint: finding.constraint,
                file: finding.file,
                count: 1,
                first: finding,
            });
    }
    /** For each group, how many of its findings were counted but not kept. */
    unkept() {
        const counts = new Map();
        for (const [key, group] of this.groups)
            counts.set(key, group.count);
        for (const finding of this.kept)
            counts.set(groupKey(finding), counts.get(groupKey(finding)) - 1);
        return [...this.groups]
            .filter(([key]) => counts.get(key) > 0)
            .map(([key, group]) => ({ group, count: counts.get(key) }));
    }
    /**
     * Takes in `count` more findings of a group that were counted elsewhere (a worker's shard)
     * but not kept: they come after every kept one, so they count as dropped.
     */
    addUnkept(unsafe, count) {
        if (count <= 0)
            return;
        const first = safeFinding(unsafe.first);
        const group = { ...unsafe, field: first.field, first };
        if (group.level === 'error')
            this.errors += count;
        else
            this.warnings += count;
        this.dropped += count;
        const key = groupKey(group.first);
        const existing = this.groups.get(key);
        if (existing)
            existing.count += count;
        else
            this.groups.set(key, { ...group, count });
    }
}
const groupKey = (finding) => `${finding.code}\u0000${finding.constraint ?? ''}\u0000${finding.field ?? ''}\u0000${finding.file}\u0000${finding.level}`;

;// CONCATENATED MODULE: ./shared/data/data-file-error.ts

/**
 * A data file that cannot be read as a whole or past some point: invalid UTF-8, a truncated
 * gzip stream, a Parquet file whose footer or pages are corrupt. It is a UserError (the
 * message says which file, where and what to do), and carries a code and a location so that
 * a validator can report it as a finding and go on with the next file.
 */
class DataFileError extends errors/* UserError */.yo {
    code;
    path;
    line;
    name = 'DataFileError';
    constructor(message, code, path, line) {
        super(message);
        this.code = code;
        this.path = path;
        this.line = line;
    }
}

;// CONCATENATED MODULE: ./shared/data/delimited.ts
/**
 * Streaming reader for CSV and TSV files (optionally gzip-compressed). Rows are handed to a
 * callback one at a time, so memory stays flat whatever the file size. Each row carries the
 * file line it starts on, for annotations and for people opening the file.
 *
 * Line ends are read as Python's csv module and pandas read them: outside quotes, \r\n, \n
 * and a lone \r each end a record, mixed in one file too; inside quotes they are kept as they
 * are. papaparse takes one newline for the whole file (guessed from its start), so a
 * RecordGuard in front of it turns each line end outside quotes into \n. The guard also bounds
 * a record's length (MAX_RECORD_LENGTH: a gzip bomb of one endless line, a quote never closed)
 * and notices NUL bytes, which are reported on their row.
 */







const DELIMITERS = { csv: ',', tsv: '\t' };
/**
 * The longest record read, in characters (bytes when a large file is read in shards): a CSV or
 * TSV row, quoted line breaks included, or a JSON line. Real rows are far shorter; past it the
 * file is refused at that line, rather than held in memory whole.
 */
const MAX_RECORD_LENGTH = 8 * 2 ** 20;
function recordTooLong(path, line, what = 'record') {
    return new DataFileError(`The data file "${path}" has a ${what} longer than ${MAX_RECORD_LENGTH / 2 ** 20} MiB starting at line ${line} (the limit for one row). ${what === 'line' ? 'A file that is not JSON Lines' : 'A quote that is never closed, or a file that is not CSV or TSV,'} makes one; check the file.`, 'format-error', path, line);
}
/** The problem of a row with a NUL byte in a cell: text data holds none, so the file is likely binary or UTF-16. */
function nulProblem(fields, header) {
    for (let i = 0; i < fields.length; i++) {
        const at = fields[i].indexOf('\0');
        if (at === -1)
            continue;
        const name = header?.[i];
        return `cell ${i + 1}${name !== undefined ? ` (column ${JSON.stringify(excerpt(name, 40))})` : ''} holds a NUL byte at character ${at + 1}, which text data never does: the file may be binary, UTF-16 or corrupt`;
    }
    return undefined;
}
/**
 * Reads every row, empty lines included and marked `blank`; the newline that ends the file
 * does not make a row. Rejects with a UserError on unreadable input: a missing file, invalid
 * UTF-8 or a truncated gzip stream.
 */
async function readDelimited(path, format, onRow, dialect = {}) {
    const delimiter = dialect.delimiter ?? DELIMITERS[format];
    const quoteChar = dialect.quoteChar ?? '"';
    const escapeChar = dialect.escapeChar ?? quoteChar;
    const text = await openText(path);
    text.setEncoding('utf8');
    const guard = new RecordGuard(path, delimiter, quoteChar, escapeChar);
    const source = text.pipe(guard);
    text.on('error', (error) => source.destroy(error));
    source.on('close', () => text.destroy()); // a refused record stops the reading of the file too
    let header;
    let line = 1;
    await new Promise((resolve, reject) => {
        let failed = false;
        const fail = (error) => {
            if (failed)
                return;
            failed = true;
            source.destroy();
            reject(error);
        };
        source.on('error', (error) => fail(streamError(error, path)));
        papaparse_default().parse(source, {
            delimiter,
            quoteChar,
            escapeChar,
            newline: '\n', // the guard has made every line end outside quotes one
            skipEmptyLines: false,
            step(result) {
                const fields = result.data;
                const start = line;
                line += 1 + fields.reduce((count, field) => count + countNewlines(field), 0);
                const error = result.errors[0];
                try {
                    // Only looked for once the guard has seen a NUL: it runs ahead of the parser.
                    const nul = guard.sawNul ? nulProblem(fields, header) : undefined;
                    header ??= fields;
                    // In stream mode papaparse makes no row of the newline that ends the file, so an
                    // empty row is a real empty line (test/shared/validate.test.ts pins this down).
                    if (error)
                        onRow({ fields, line: start, parseError: error.message });
                    else if (nul)
                        onRow({ fields, line: start, parseError: nul });
                    else if (fields.length === 1 && fields[0] === '')
                        onRow({ fields, line: start, blank: true });
                    else
                        onRow({ fields, line: start });
                }
                catch (caught) {
                    fail(caught);
                }
            },
            complete: () => {
                if (!failed)
                    resolve();
            },
            error: (error) => fail(error),
        });
    });
}
/**
 * Follows quoting as papaparse does (a quote opens a quoted field only at the start of a field;
 * inside one, a doubled quote, or the escape character then a quote, is a literal quote) to turn
 * each line end outside quotes (\r\n, \n, a lone \r) into \n, to stop a record longer than
 * MAX_RECORD_LENGTH, and to notice NUL bytes. Text in, text out. On malformed quoting (a quote
 * closing a field followed by more text) papaparse may keep a line end in the field that this
 * guard took as the end of the record, or the reverse; papaparse reports the quotes either way.
 */
class RecordGuard extends external_node_stream_.Transform {
    path;
    /** A NUL byte has been seen. */
    sawNul = false;
    delimiter;
    quote;
    escape;
    quoted = false;
    fieldStart = true;
    /** The previous character, across chunks: \r waiting for a \n, or the escape character before a quote. */
    previous = -1;
    /** In a quoted field whose escape is the quote: a quote was the chunk's last character, not yet known to be doubled. */
    pendingQuote = false;
    recordLength = 0;
    line = 1;
    recordLine = 1;
    constructor(path, delimiter, quoteChar, escapeChar) {
        super({ decodeStrings: false, encoding: 'utf8' });
        this.path = path;
        this.delimiter = delimiter.charCodeAt(delimiter.length - 1); // its last unit: a field starts after it (an astral delimiter is two)
        this.quote = quoteChar.charCodeAt(0);
        this.escape = escapeChar.charCodeAt(0);
    }
    _transform(chunk, _encoding, callback) {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8');
        try {
            callback(null, this.follow(text));
        }
        catch (error) {
            callback(error);
        }
    }
    follow(text) {
        if (text.indexOf('\0') !== -1)
            this.sawNul = true;
        const { delimiter, quote, escape } = this;
        const pieces = [];
        let copied = 0;
        for (let i = 0; i < text.length; i++) {
            const c = text.charCodeAt(i);
            if (++this.recordLength > MAX_RECORD_LENGTH)
                throw recordTooLong(this.path, this.recordLine);
            if (this.pendingQuote) {
                this.pendingQuote = false;
                if (c === quote) {
                    this.previous = c;
                    continue; // a doubled quote: still quoted
                }
                this.quoted = false;
            }
            if (this.quoted) {
                if (c === LF)
                    this.line++;
                else if (c === quote) {
                    if (escape !== quote) {
                        if (this.previous !== escape)
                            this.quoted = false;
                    }
                    else if (i + 1 === text.length)
                        this.pendingQuote = true;
                    else if (text.charCodeAt(i + 1) === quote)
                        i++;
                    else
                        this.quoted = false;
                }
                this.previous = c;
                continue;
            }
            if (c === LF) {
                if (this.previous === CR) {
                    // \r\n, or a \r that ended the previous chunk and was made \n already: drop this \n.
                    pieces.push(text.slice(copied, i));
                    copied = i + 1;
                    this.previous = -1;
                    continue;
                }
                this.endRecord();
            }
            else if (c === CR) {
                pieces.push(text.slice(copied, i), '\n');
                copied = i + 1;
                this.endRecord();
                this.previous = CR;
                continue;
            }
            else if (c === quote && this.fieldStart) {
                this.quoted = true;
                this.fieldStart = false;
            }
            else
                this.fieldStart = c === delimiter;
            this.previous = c;
        }
        if (copied === 0)
            return text;
        pieces.push(text.slice(copied));
        return pieces.join('');
    }
    endRecord() {
        this.line++;
        this.recordLine = this.line;
        this.recordLength = 0;
        this.fieldStart = true;
    }
}
const LF = 0x0a;
const CR = 0x0d;
function countNewlines(text) {
    let count = 0;
    for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1))
        count++;
    return count;
}
/** The file as UTF-8 text, gunzipped when its name ends in `.gz`; errors become DataFileErrors. */
async function openText(path) {
    const bytes = (0,external_node_fs_.createReadStream)(path);
    let plain = bytes;
    if (/\.gz$/i.test(path)) {
        // zlib is loaded only for compressed files: it is a measurable part of start-up.
        const gunzip = (await Promise.resolve(/* import() */).then(__nccwpck_require__.t.bind(__nccwpck_require__, 38522, 23))).createGunzip();
        const limited = expansionLimit(path, await fileSize(path));
        bytes.pipe(gunzip).pipe(limited);
        bytes.on('error', (error) => gunzip.destroy(error));
        gunzip.on('error', (error) => limited.destroy(error));
        plain = limited;
    }
    const decoded = plain.pipe(utf8Decoder());
    plain.on('error', (error) => decoded.destroy(error));
    // A reader that stops early (a refused record or line) closes the file, compressed or not.
    decoded.on('close', () => {
        plain.destroy();
        bytes.destroy();
    });
    return decoded;
}
/**
 * How far a gzip-compressed data file may expand: real tables compress 3 to 50 times, while a
 * gzip bomb (a few kilobytes of zeros or newlines) expands a thousand times, into more rows
 * than a job has time to check. Small files may always reach MIN_EXPANDED_BYTES.
 */
const MAX_GZIP_EXPANSION = 200;
const MIN_EXPANDED_BYTES = 2 ** 20;
async function fileSize(path) {
    try {
        return (await (0,promises_.stat)(path)).size;
    }
    catch (error) {
        throw read_file_fileError(error, path, 'data file');
    }
}
/** Passes decompressed bytes on, and fails once they exceed MAX_GZIP_EXPANSION times the file's size. */
function expansionLimit(path, compressedBytes) {
    const limit = Math.max(MIN_EXPANDED_BYTES, MAX_GZIP_EXPANSION * compressedBytes);
    let expanded = 0;
    return new external_node_stream_.Transform({
        transform(chunk, _encoding, callback) {
            expanded += chunk.length;
            if (expanded <= limit)
                return callback(null, chunk);
            callback(new DataFileError(`The data file "${path}" expands to more than ${MAX_GZIP_EXPANSION} times its size when decompressed (past ${formatBytes(limit)}): a gzip bomb, or data far more repetitive than real data. Check the file; a table this repetitive is better stored uncompressed or summarised.`, 'compression-error', path));
        },
    });
}
const formatBytes = (bytes) => bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`;
class InvalidUtf8Error extends Error {
    offset;
    line;
    utf16;
    constructor(offset, line, 
    /** The file starts with a UTF-16 byte order mark. */
    utf16 = false) {
        super(`invalid UTF-8 at byte offset ${offset} (line ${line})`);
        this.offset = offset;
        this.line = line;
        this.utf16 = utf16;
    }
}
/** Decodes strictly: invalid UTF-8 is an error with its byte offset and line, never replaced silently. */
function utf8Decoder() {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let offset = 0;
    let newlines = 0;
    const decode = (chunk, stream) => {
        try {
            return decoder.decode(chunk, { stream });
        }
        catch {
            const at = chunk ? firstInvalidUtf8(chunk) : 0;
            const before = chunk ? countByte(chunk, 0x0a, at) : 0;
            throw new InvalidUtf8Error(offset + at, newlines + before + 1, offset === 0 && chunk !== undefined && startsWithUtf16Bom(chunk));
        }
        finally {
            offset += chunk?.length ?? 0;
            newlines += chunk ? countByte(chunk, 0x0a, chunk.length) : 0;
        }
    };
    return new external_node_stream_.Transform({
        readableObjectMode: false,
        decodeStrings: true,
        transform(chunk, _encoding, callback) {
            try {
                callback(null, decode(chunk, true));
            }
            catch (error) {
                // Hand on the lines before the bad byte, so that they are still checked.
                const at = error.offset - (offset - chunk.length);
                const lastNewline = chunk.lastIndexOf(0x0a, at);
                if (lastNewline >= 0)
                    this.push(new TextDecoder().decode(chunk.subarray(0, lastNewline + 1)));
                callback(error);
            }
        },
        flush(callback) {
            try {
                callback(null, decode(undefined, false));
            }
            catch (error) {
                callback(error);
            }
        },
    });
}
/**
 * How many times `byte` occurs in bytes[0, end). Four bytes at a time (SWAR: a byte of the word
 * XOR the pattern is zero where it matches, and the exact zero-byte test marks each such byte's
 * high bit): the main thread counts every newline of a large file to number the shards' lines,
 * and one indexOf call per newline took about twice as long.
 */
function countByte(bytes, byte, end) {
    let count = 0;
    let i = 0;
    const head = Math.min(end, (4 - (bytes.byteOffset & 3)) & 3);
    for (; i < head; i++)
        if (bytes[i] === byte)
            count++;
    const words = Math.max(0, (end - i) >>> 2);
    if (words > 0) {
        const view = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
        const pattern = Math.imul(byte, 0x01010101);
        for (let k = 0; k < words; k++) {
            const x = view[k] ^ pattern;
            const zeros = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
            if (zeros !== 0)
                count += Math.imul((zeros >>> 7) & 0x01010101, 0x01010101) >>> 24;
        }
        i += words * 4;
    }
    for (; i < end; i++)
        if (bytes[i] === byte)
            count++;
    return count;
}
/**
 * The offset of the first byte that starts no valid UTF-8 sequence, to say where the file goes
 * wrong (TextDecoder only says that it does). Only run once the decoder has failed.
 */
function firstInvalidUtf8(bytes) {
    for (let i = 0; i < bytes.length;) {
        const b = bytes[i];
        const length = b < 0x80
            ? 1
            : b >= 0xc2 && b <= 0xdf
                ? 2
                : b >= 0xe0 && b <= 0xef
                    ? 3
                    : b >= 0xf0 && b <= 0xf4
                        ? 4
                        : 0;
        if (length === 0)
            return i;
        for (let k = 1; k < length; k++)
            if (i + k < bytes.length && (bytes[i + k] & 0xc0) !== 0x80)
                return i;
        i += length;
    }
    return Math.max(0, bytes.length - 1);
}
function startsWithUtf16Bom(bytes) {
    return (bytes.length >= 2 &&
        ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)));
}
/** The error for a data file whose bytes are not UTF-8, at the first bad byte. */
function invalidUtf8(path, offset, line, utf16 = false) {
    if (utf16)
        return new DataFileError(`The data file "${path}" is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8. Re-export it as UTF-8.`, 'encoding-error', path, 1);
    return new DataFileError(`The data file "${path}" is not valid UTF-8 text: invalid UTF-8 at byte offset ${offset} (line ${line}). Re-export it as UTF-8.`, 'encoding-error', path, line);
}
function streamError(error, path) {
    if (error instanceof InvalidUtf8Error)
        return invalidUtf8(path, error.offset, error.line, error.utf16);
    const code = error.code;
    if (code === 'Z_DATA_ERROR' && /header check/.test(error.message)) {
        return new DataFileError(`The data file "${path}" is not gzip data, though its name ends in .gz. Compress it with gzip, or drop the .gz from its name.`, 'compression-error', path);
    }
    if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') {
        return new DataFileError(`The data file "${path}" is not a complete gzip stream (${error.message}). The file may be truncated; compress it again.`, 'compression-error', path);
    }
    return read_file_fileError(error, path, 'data file');
}

;// CONCATENATED MODULE: ./shared/data/jsonl.ts
/**
 * JSON Lines read line by line from a stream (gzip handled by openText), one object per line.
 * A line that is not a JSON object is reported with its line number, not thrown: the rest of
 * the file is still worth checking. So is a line that nests deeper than STRUCTURED_LIMITS.maxDepth:
 * JSON.parse takes any depth, but later walks of the value (casts, keys, hashes) are recursive.
 */


async function readJsonLines(path, onLine) {
    const source = await openText(path);
    source.setEncoding('utf8');
    let pending = '';
    let line = 0;
    const handle = (text) => {
        line++;
        const trimmed = text.endsWith('\r') ? text.slice(0, -1) : text;
        if (trimmed.trim() === '')
            return onLine({ line, blank: true });
        let value;
        try {
            value = JSON.parse(trimmed);
        }
        catch (error) {
            return onLine({ line, problem: `not valid JSON (${jsonReason(error)})` });
        }
        if (value === null || typeof value !== 'object' || Array.isArray(value)) {
            return onLine({
                line,
                problem: `a JSON ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}, not an object`,
            });
        }
        // Only a line with a nested value is scanned: most records are flat.
        if (trimmed.indexOf('[') !== -1 || trimmed.indexOf('{', 1) !== -1) {
            const at = nesting_jsonDepthExceeded(trimmed, STRUCTURED_LIMITS.maxDepth);
            if (at !== undefined)
                return onLine({
                    line,
                    problem: `an object whose values nest more than ${STRUCTURED_LIMITS.maxDepth} levels deep (from character ${at + 1}); flatten the record`,
                });
        }
        onLine({ line, value: value });
    };
    // The text after the last newline, in parts: joined only once its line is complete, so that a
    // long line costs its length, not its length times the chunks it spans.
    let pendingParts = [];
    let pendingLength = 0;
    await new Promise((resolve, reject) => {
        source.on('data', (chunk) => {
            try {
                const firstNewline = chunk.indexOf('\n');
                if (firstNewline === -1 || pendingLength + firstNewline > MAX_RECORD_LENGTH) {
                    pendingParts.push(chunk);
                    pendingLength += chunk.length;
                    if (pendingLength > MAX_RECORD_LENGTH)
                        throw recordTooLong(path, line + 1, 'line');
                    return;
                }
                pendingParts.push(chunk);
                const parts = pendingParts.join('').split('\n');
                pending = parts.pop();
                pendingParts = [pending];
                pendingLength = pending.length;
                for (const part of parts) {
                    if (part.length > MAX_RECORD_LENGTH)
                        throw recordTooLong(path, line + 1, 'line');
                    handle(part);
                }
            }
            catch (error) {
                source.destroy();
                reject(error);
            }
        });
        source.on('error', (error) => reject(streamError(error, path)));
        source.on('end', () => {
            try {
                pending = pendingParts.join('');
                if (pending.length > MAX_RECORD_LENGTH)
                    throw recordTooLong(path, line + 1, 'line');
                if (pending !== '')
                    handle(pending);
                resolve();
            }
            catch (error) {
                reject(error);
            }
        });
    });
}
/**
 * JSON.parse's reason without the text it quotes (newer Node versions quote part of the line,
 * which is the file's content, control characters and all), with "position" as the character
 * of the line people count from 1.
 */
function jsonReason(error) {
    return error.message
        .replace(/, (?:\.\.\.)?".*" is not valid JSON$/s, '')
        .replace(/ (?:in JSON )?at position (\d+).*$/s, (_match, position) => ` at character ${Number(position) + 1}`)
        .replace(/\s+/g, ' ')
        .slice(0, 120);
}

// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(48161);
;// CONCATENATED MODULE: ./shared/data/decimal.ts
/** The exact decimal text of unscaled × 10^-scale, without trailing fraction zeros: (9999n, 2) → "99.99". */
function decimalText(unscaled, scale) {
    const negative = unscaled < 0n;
    let digits = (negative ? -unscaled : unscaled).toString();
    if (scale <= 0)
        return `${negative ? '-' : ''}${digits}${'0'.repeat(-scale)}`;
    digits = digits.padStart(scale + 1, '0');
    const whole = digits.slice(0, -scale);
    const fraction = digits.slice(-scale).replace(/0+$/, '');
    const sign = negative && (whole !== '0' || fraction !== '') ? '-' : '';
    return `${sign}${whole}${fraction ? `.${fraction}` : ''}`;
}
/** Significant digits a double holds for every decimal: 15. */
const EXACT_DIGITS = 15;
/**
 * A DECIMAL as a cell: the number when the nearest double keeps every digit (up to 15
 * significant digits: distinct decimals stay distinct and in order), else its exact text, which
 * a number field casts and whose bounds are then compared digit by digit (compareDecimalText).
 */
function decimalCell(unscaled, scale) {
    const text = decimalText(unscaled, scale);
    const significant = text.replace(/^-/, '').replace('.', '').replace(/^0+/, '');
    return significant.length <= EXACT_DIGITS ? Number(text) : text;
}
/** The unscaled integer of a DECIMAL as hyparquet hands it over: INT32 number, INT64 bigint, or big-endian two's-complement bytes. */
function unscaledOf(value) {
    if (typeof value === 'bigint')
        return value;
    if (typeof value === 'number' && Number.isInteger(value))
        return BigInt(value);
    if (value instanceof Uint8Array) {
        if (value.length === 0)
            return 0n;
        let result = 0n;
        for (const byte of value)
            result = (result << 8n) | BigInt(byte);
        return value[0] & 0x80 ? result - (1n << BigInt(value.length * 8)) : result;
    }
    return undefined;
}
const PLAIN_DECIMAL = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/;
/**
 * Compares two plain decimal texts (digits, an optional point and sign; no exponent) exactly:
 * -1, 0 or 1; undefined when either is not plain, for the caller to keep its float verdict.
 */
function compareDecimalText(a, b) {
    const x = parts(a);
    const y = parts(b);
    if (!x || !y)
        return undefined;
    if (x.negative !== y.negative)
        return x.negative ? -1 : 1;
    const magnitude = compareMagnitude(x, y);
    return (x.negative ? -magnitude : magnitude);
}
function parts(text) {
    const match = PLAIN_DECIMAL.exec(text);
    if (!match || (match[2] === '' && !match[3]))
        return undefined;
    const whole = match[2].replace(/^0+/, '');
    const fraction = (match[3] ?? '').replace(/0+$/, '');
    // -0 and 0 are the same decimal.
    return { negative: match[1] === '-' && (whole !== '' || fraction !== ''), whole, fraction };
}
function compareMagnitude(x, y) {
    if (x.whole.length !== y.whole.length)
        return x.whole.length < y.whole.length ? -1 : 1;
    if (x.whole !== y.whole)
        return x.whole < y.whole ? -1 : 1;
    const width = Math.max(x.fraction.length, y.fraction.length);
    const fx = x.fraction.padEnd(width, '0');
    const fy = y.fraction.padEnd(width, '0');
    return fx === fy ? 0 : fx < fy ? -1 : 1;
}

;// CONCATENATED MODULE: ./shared/data/thrift-compact.ts
/**
 * A reader for Thrift's compact protocol, enough for Parquet page headers. hyparquet has one,
 * but does not export it, and the flat-column reader (parquet-flat.ts) must read page headers
 * itself. A struct comes back as its fields by id, the way the Thrift IDL numbers them; the
 * caller names the fields it knows and ignores the rest.
 */
var CompactType;
(function (CompactType) {
    CompactType[CompactType["Stop"] = 0] = "Stop";
    CompactType[CompactType["True"] = 1] = "True";
    CompactType[CompactType["False"] = 2] = "False";
    CompactType[CompactType["Byte"] = 3] = "Byte";
    CompactType[CompactType["I16"] = 4] = "I16";
    CompactType[CompactType["I32"] = 5] = "I32";
    CompactType[CompactType["I64"] = 6] = "I64";
    CompactType[CompactType["Double"] = 7] = "Double";
    CompactType[CompactType["Binary"] = 8] = "Binary";
    CompactType[CompactType["List"] = 9] = "List";
    CompactType[CompactType["Set"] = 10] = "Set";
    CompactType[CompactType["Map"] = 11] = "Map";
    CompactType[CompactType["Struct"] = 12] = "Struct";
})(CompactType || (CompactType = {}));
/** Nesting deeper than this is corrupt input, not a page header. */
const MAX_DEPTH = 16;
class ThriftReader {
    bytes;
    offset;
    constructor(bytes, offset) {
        this.bytes = bytes;
        this.offset = offset;
    }
    /** One struct from the current offset; the offset ends after its stop byte. */
    struct(depth = 0) {
        if (depth > MAX_DEPTH)
            throw new Error('thrift structs nested too deeply');
        const fields = {};
        let field = 0;
        for (;;) {
            const header = this.byte();
            const type = header & 0x0f;
            if (type === CompactType.Stop)
                return fields;
            const delta = header >> 4;
            field = delta === 0 ? this.zigzag() : field + delta;
            fields[field] =
                type === CompactType.True
                    ? true
                    : type === CompactType.False
                        ? false
                        : this.value(type, depth);
        }
    }
    value(type, depth) {
        switch (type) {
            case CompactType.Byte:
                return (this.byte() << 24) >> 24;
            case CompactType.I16:
            case CompactType.I32:
            case CompactType.I64:
                return this.zigzag();
            case CompactType.Double: {
                const view = new DataView(this.bytes.buffer, this.bytes.byteOffset + this.take(8), 8);
                return view.getFloat64(0, true);
            }
            case CompactType.Binary: {
                const length = this.varint();
                const start = this.take(length);
                return this.bytes.subarray(start, start + length);
            }
            case CompactType.List:
            case CompactType.Set: {
                const header = this.byte();
                const size = header >> 4 === 15 ? this.varint() : header >> 4;
                const elementType = header & 0x0f;
                const items = [];
                for (let i = 0; i < size; i++)
                    items.push(elementType === CompactType.True || elementType === CompactType.False
                        ? this.byte() === 1
                        : this.value(elementType, depth + 1));
                return items;
            }
            case CompactType.Map: {
                const size = this.varint();
                if (size === 0)
                    return [];
                const types = this.byte();
                const entries = [];
                for (let i = 0; i < size; i++)
                    entries.push([this.value(types >> 4, depth + 1), this.value(types & 0x0f, depth + 1)]);
                return entries;
            }
            case CompactType.Struct:
                return this.struct(depth + 1);
            default:
                throw new Error(`unknown thrift type ${type} at byte ${this.offset - 1}`);
        }
    }
    byte() {
        if (this.offset >= this.bytes.length)
            throw new Error('thrift data ends early');
        return this.bytes[this.offset++];
    }
    /** Moves past `length` bytes and returns where they start. */
    take(length) {
        if (this.offset + length > this.bytes.length)
            throw new Error('thrift data ends early');
        const start = this.offset;
        this.offset += length;
        return start;
    }
    /** An unsigned LEB128 varint; arithmetic, not bit operations, so values past 2^31 stay whole. */
    varint() {
        let result = 0;
        let scale = 1;
        for (let i = 0; i < 10; i++) {
            const byte = this.byte();
            result += (byte & 0x7f) * scale;
            if (byte < 0x80)
                return result;
            scale *= 128;
        }
        throw new Error('thrift varint longer than 10 bytes');
    }
    zigzag() {
        const value = this.varint();
        return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
    }
}

;// CONCATENATED MODULE: ./shared/data/parquet-flat.ts

/** A page or column this decoder does not cover; the caller reads it the general way. */
class FlatUnsupported extends Error {
}
/** How a top-level schema element's values read, or undefined when this decoder does not cover it. */
function flatValueKind(element) {
    if (element.num_children || element.repetition_type === 'REPEATED')
        return undefined;
    const converted = element.converted_type;
    const logical = element.logical_type;
    switch (element.type) {
        case 'BOOLEAN':
            return converted || logical ? undefined : 'boolean';
        case 'FLOAT':
        case 'DOUBLE':
            return converted || logical ? undefined : 'float';
        case 'INT32':
            if (converted === 'DATE' || logical?.type === 'DATE')
                return 'date';
            if (converted === 'UINT_32' ||
                (logical?.type === 'INTEGER' && !logical.isSigned && logical.bitWidth === 32))
                return 'uint32';
            if (logical && logical.type !== 'INTEGER')
                return undefined;
            return !converted || ['INT_8', 'INT_16', 'INT_32', 'UINT_8', 'UINT_16'].includes(converted)
                ? 'int32'
                : undefined;
        case 'INT64':
            if (logical && !(logical.type === 'INTEGER' && logical.isSigned))
                return undefined;
            return !converted || converted === 'INT_64' ? 'int64' : undefined;
        case 'BYTE_ARRAY':
            // hyparquet reads an unannotated BYTE_ARRAY as UTF-8 text too; so must this reader.
            if (logical && logical.type !== 'STRING' && logical.type !== 'ENUM')
                return undefined;
            return !converted || converted === 'UTF8' || converted === 'ENUM' ? 'string' : undefined;
        default:
            return undefined;
    }
}
/** The plan for one column chunk, or undefined when its element or codec is not covered. */
function planFlatColumn(element, meta, compressors) {
    const kind = flatValueKind(element);
    if (!kind || !element.type || meta.path_in_schema.length !== 1)
        return undefined;
    if (meta.codec !== 'UNCOMPRESSED' && !compressors[meta.codec])
        return undefined;
    const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
    const dataStart = Number(meta.data_page_offset);
    // Some writers leave dictionary_page_offset at 0 when there is none.
    const from = start > 0 && start < dataStart ? start : dataStart;
    return {
        kind,
        type: element.type,
        nullable: element.repetition_type !== 'REQUIRED',
        codec: meta.codec,
        start: from,
        end: from + Number(meta.total_compressed_size),
    };
}
/** Page types and encodings by their numbers in parquet.thrift. */
const PAGE = { data: 0, index: 1, dictionary: 2, dataV2: 3 };
const ENCODING = { plain: 0, plainDictionary: 2, rle: 3, rleDictionary: 8 };
/**
 * Decodes one column chunk of `rows` rows into `buffers` (reused; the result is valid until
 * they are passed again). Corrupt data throws an Error; uncovered encodings throw FlatUnsupported.
 */
function decodeFlatColumn(chunk, plan, rows, compressors, buffers = {}) {
    const column = new ColumnBuilder(plan, rows, buffers);
    let dictionary;
    const reader = new ThriftReader(chunk, 0);
    while (column.rows < rows) {
        if (reader.offset >= chunk.length)
            throw new Error(`the column chunk ends after ${column.rows} of ${rows} rows`);
        const header = reader.struct();
        const compressedSize = parquet_flat_int(header[3], 'compressed_page_size');
        const uncompressedSize = parquet_flat_int(header[2], 'uncompressed_page_size');
        // Writers cut pages at about 1 MB; a size past 1 GiB is a damaged header, not a page to allocate.
        if (uncompressedSize > 2 ** 30)
            throw new Error(`a page claims ${uncompressedSize} bytes uncompressed`);
        const pageStart = reader.offset;
        if (pageStart + compressedSize > chunk.length)
            throw new Error('a page runs past the end of its column chunk');
        const page = chunk.subarray(pageStart, pageStart + compressedSize);
        reader.offset = pageStart + compressedSize;
        const type = header[1];
        if (type === PAGE.dictionary) {
            const dictionaryHeader = struct(header[7], 'dictionary_page_header');
            const encoding = parquet_flat_int(dictionaryHeader[2], 'encoding');
            if (encoding !== ENCODING.plain && encoding !== ENCODING.plainDictionary)
                throw new FlatUnsupported(`dictionary encoding ${encoding}`);
            const bytes = decompress(page, uncompressedSize, plan.codec, compressors);
            dictionary = decodePlain(plan, bytes, 0, parquet_flat_int(dictionaryHeader[1], 'num_values'), [], 0);
        }
        else if (type === PAGE.data) {
            const dataHeader = struct(header[5], 'data_page_header');
            const bytes = decompress(page, uncompressedSize, plan.codec, compressors);
            const count = column.pageRows(parquet_flat_int(dataHeader[1], 'num_values'));
            let offset = 0;
            let present = count;
            if (plan.nullable) {
                if (parquet_flat_int(dataHeader[3], 'definition_level_encoding') !== ENCODING.rle)
                    throw new FlatUnsupported('BIT_PACKED definition levels');
                const length = uint32(bytes, 0);
                present = column.definitionLevels(bytes, 4, 4 + length, count);
                offset = 4 + length;
            }
            column.values(bytes, offset, present, parquet_flat_int(dataHeader[2], 'encoding'), dictionary);
        }
        else if (type === PAGE.dataV2) {
            const v2 = struct(header[8], 'data_page_header_v2');
            const count = column.pageRows(parquet_flat_int(v2[1], 'num_values'));
            if (parquet_flat_int(v2[6] ?? 0, 'repetition_levels_byte_length') !== 0)
                throw new FlatUnsupported('repetition levels');
            const levelBytes = parquet_flat_int(v2[5] ?? 0, 'definition_levels_byte_length');
            if (levelBytes > page.length)
                throw new Error('definition levels run past the end of their page');
            const present = plan.nullable ? column.definitionLevels(page, 0, levelBytes, count) : count;
            const valueBytes = page.subarray(levelBytes);
            const bytes = v2[7] === false
                ? valueBytes
                : decompress(valueBytes, uncompressedSize - levelBytes, plan.codec, compressors);
            column.values(bytes, 0, present, parquet_flat_int(v2[4], 'encoding'), dictionary);
        }
        else if (type !== PAGE.index) {
            throw new Error(`unknown page type ${String(type)}`);
        }
    }
    return column.result();
}
function parquet_flat_int(value, field) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
        throw new Error(`the page header's ${field} is ${String(value)}, not a count`);
    return value;
}
function struct(value, field) {
    if (typeof value !== 'object' ||
        value === null ||
        value instanceof Uint8Array ||
        Array.isArray(value))
        throw new Error(`the page header has no ${field}`);
    return value;
}
function decompress(page, size, codec, compressors) {
    if (codec === 'UNCOMPRESSED')
        return page;
    const output = compressors[codec](page, size);
    if (output.length !== size)
        throw new Error(`a ${codec} page decompressed to ${output.length} bytes, not ${size}`);
    return output;
}
const uint32 = (bytes, at) => {
    if (at + 4 > bytes.length)
        throw new Error('a length prefix runs past the end of its page');
    return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16)) + bytes[at + 3] * 0x1000000;
};
/** Accumulates a column chunk's pages into one dense value array and a presence mask. */
class ColumnBuilder {
    plan;
    total;
    /** Rows seen so far, with or without a value. */
    rows = 0;
    filled = 0;
    /**
     * The values: a Float64Array for the kinds whose values are all numbers, else an array written
     * in order from index 0 (`new Array(n)` past about 32K elements makes a slow dictionary-mode
     * array). Either may be longer than this chunk's values, from an earlier row group.
     */
    numbers;
    list;
    present;
    nulls = 0;
    constructor(plan, total, buffers) {
        this.plan = plan;
        this.total = total;
        // Numbers other than int64 cannot be anything but numbers, so they take a typed array (no boxing, no GC).
        const numeric = plan.kind === 'float' || plan.kind === 'int32' || plan.kind === 'uint32';
        if (numeric && !(buffers.numbers && buffers.numbers.length >= total))
            buffers.numbers = new Float64Array(total);
        if (plan.nullable && !(buffers.present && buffers.present.length >= total))
            buffers.present = new Uint8Array(total);
        this.numbers = numeric ? buffers.numbers : undefined;
        this.present = plan.nullable ? buffers.present : undefined;
        this.list = numeric ? [] : (buffers.list ??= []);
    }
    /** Checks a page's row count against what is left, and takes its rows. */
    pageRows(count) {
        if (this.rows + count > this.total)
            throw new Error(`the pages hold more than the row group's ${this.total} rows`);
        this.rows += count;
        return count;
    }
    /** Fills the presence mask for the page's rows from its definition levels; returns how many have a value. */
    definitionLevels(bytes, from, to, count) {
        const present = this.present;
        const start = this.rows - count;
        decodeHybrid(bytes, from, to, 1, present, start, count);
        let values = 0;
        for (let i = start; i < start + count; i++)
            values += present[i];
        this.nulls += count - values;
        return values;
    }
    /** Appends a page's `count` present values. */
    values(bytes, offset, count, encoding, dictionary) {
        if (encoding === ENCODING.plainDictionary || encoding === ENCODING.rleDictionary) {
            if (!dictionary)
                throw new Error('a dictionary-encoded page comes before its dictionary');
            if (count === 0)
                return;
            if (offset >= bytes.length)
                throw new Error('a dictionary-encoded page has no bit width');
            const width = bytes[offset];
            const indices = scratchIndices(count);
            decodeHybrid(bytes, offset + 1, bytes.length, width, indices, 0, count);
            if (this.numbers)
                gatherNumbers(this.numbers, this.filled, dictionary, indices, count);
            else
                gatherList(this.list, this.filled, dictionary, indices, count);
        }
        else if (encoding === ENCODING.plain) {
            const values = decodePlain(this.plan, bytes, offset, count, this.list, this.filled);
            if (this.numbers)
                this.numbers.set(values, this.filled);
        }
        else if (encoding === ENCODING.rle && this.plan.kind === 'boolean') {
            const bits = scratchBits(count);
            decodeHybrid(bytes, offset + 4, offset + 4 + uint32(bytes, offset), 1, bits, 0, count);
            for (let i = 0; i < count; i++)
                this.list[this.filled + i] = bits[i] === 1;
        }
        else {
            throw new FlatUnsupported(`value encoding ${encoding}`);
        }
        this.filled += count;
    }
    result() {
        return {
            values: this.numbers ?? this.list,
            present: this.nulls > 0 ? this.present : undefined,
        };
    }
}
// Scratch arrays for a page's dictionary indices and bits, used up before the next page.
let indexScratch = new Uint32Array(0);
let bitScratch = new Uint8Array(0);
const scratchIndices = (count) => indexScratch.length >= count ? indexScratch : (indexScratch = new Uint32Array(count));
const scratchBits = (count) => bitScratch.length >= count ? bitScratch : (bitScratch = new Uint8Array(count));
// The gathers are separate functions so that each sees one array type and V8 keeps it fast.
function gatherNumbers(numbers, at, dictionary, indices, count) {
    for (let i = 0; i < count; i++) {
        const index = indices[i];
        if (index >= dictionary.length)
            throw pastDictionary(index, dictionary.length);
        numbers[at + i] = dictionary[index];
    }
}
function gatherList(list, at, dictionary, indices, count) {
    for (let i = 0; i < count; i++) {
        const index = indices[i];
        if (index >= dictionary.length)
            throw pastDictionary(index, dictionary.length);
        list[at + i] = dictionary[index];
    }
}
const pastDictionary = (index, entries) => new Error(`dictionary index ${index} is past the dictionary's ${entries} entries`);
/**
 * `count` PLAIN values of the column's type from `offset`: numbers as a new Float64Array, the
 * other kinds written into `list` from index `at` (which is returned).
 */
function decodePlain(plan, bytes, offset, count, list, at) {
    const width = plan.type === 'INT32' || plan.type === 'FLOAT'
        ? 4
        : plan.type === 'INT64' || plan.type === 'DOUBLE'
            ? 8
            : 0;
    if (width && offset + count * width > bytes.length)
        throw new Error(`a page holds fewer than its ${count} values`);
    // A copy makes the values aligned for a typed-array view; Parquet stores them little-endian, as this machine does (checked in parquet.ts).
    const aligned = width
        ? bytes.buffer.slice(bytes.byteOffset + offset, bytes.byteOffset + offset + count * width)
        : undefined;
    switch (plan.kind) {
        case 'float':
            return plan.type === 'FLOAT'
                ? Float64Array.from(new Float32Array(aligned))
                : new Float64Array(aligned);
        case 'int32':
            return Float64Array.from(new Int32Array(aligned));
        case 'uint32':
            return Float64Array.from(new Uint32Array(aligned));
        case 'date': {
            const days = new Int32Array(aligned);
            for (let i = 0; i < count; i++)
                list[at + i] = isoDay(days[i]);
            return list;
        }
        case 'int64':
            int64Values(new Int32Array(aligned), count, list, at);
            return list;
        case 'boolean': {
            if (offset + Math.ceil(count / 8) > bytes.length)
                throw new Error(`a page holds fewer than its ${count} values`);
            for (let i = 0; i < count; i++)
                list[at + i] = ((bytes[offset + (i >> 3)] >> (i & 7)) & 1) === 1;
            return list;
        }
        case 'string':
            byteArrayStrings(bytes, offset, count, list, at);
            return list;
    }
}
/** INT64 as numbers while they are exact (within ±(2^53 − 1)), and as digit strings beyond, like normaliseParquetValue. */
function int64Values(words, count, list, at) {
    for (let i = 0; i < count; i++) {
        const low = words[2 * i];
        const high = words[2 * i + 1];
        const safe = high >= -0x200000 && high < 0x200000 && !(high === -0x200000 && low === 0);
        list[at + i] = safe
            ? high * 0x100000000 + (low >>> 0)
            : ((BigInt(high) << 32n) | BigInt(low >>> 0)).toString();
    }
}
/** Length-prefixed UTF-8 strings; invalid bytes become U+FFFD, as TextDecoder (hyparquet) makes them. */
function byteArrayStrings(bytes, offset, count, list, into) {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let at = offset;
    for (let i = 0; i < count; i++) {
        const length = uint32(bytes, at);
        const start = at + 4;
        at = start + length;
        if (at > bytes.length)
            throw new Error(`string ${i + 1} of a page runs past its end`);
        list[into + i] = buffer.toString('utf8', start, at);
    }
}
/**
 * The RLE / bit-packed hybrid encoding (definition levels, dictionary indices, RLE booleans):
 * writes `count` values of `width` bits into `out` from `outStart`, reading bytes [from, to).
 */
function decodeHybrid(bytes, from, to, width, out, outStart, count) {
    // unpackBits's buffer holds up to 31 bits, so 24-bit values at most: wider means a dictionary of 16M+ entries.
    if (width > 24)
        throw new FlatUnsupported(`bit width ${width}`);
    if (to > bytes.length)
        throw new Error('encoded levels or indices run past the end of their page');
    const mask = width === 0 ? 0 : (1 << width) - 1;
    const byteWidth = (width + 7) >> 3;
    let at = from;
    let written = 0;
    while (written < count) {
        if (at >= to)
            throw new Error(`encoded levels or indices hold ${written} of ${count} values`);
        // The run header: a ULEB128 varint.
        let header = 0;
        let shift = 0;
        let byte;
        do {
            if (at >= to || shift > 28)
                throw new Error('a malformed run header in encoded levels or indices');
            byte = bytes[at++];
            header |= (byte & 0x7f) << shift;
            shift += 7;
        } while (byte & 0x80);
        header >>>= 0;
        if (header & 1) {
            // Bit-packed: (header >> 1) groups of 8 values, least significant bit first.
            // A run may hold padding values past `count`; only the bytes of the values taken must be there.
            const values = (header >>> 1) * 8;
            const take = Math.min(values, count - written);
            if (at + Math.ceil((take * width) / 8) > to)
                throw new Error('a bit-packed run runs past the end of its page');
            unpackBits(bytes, at, width, mask, out, outStart + written, take);
            at += (values * width) >> 3;
            written += take;
        }
        else {
            const repeat = header >>> 1;
            let value = 0;
            for (let i = 0; i < byteWidth; i++)
                value |= bytes[at++] << (8 * i);
            if (at > to)
                throw new Error('a repeated run runs past the end of its page');
            const take = Math.min(repeat, count - written);
            out.fill(value >>> 0, outStart + written, outStart + written + take);
            written += take;
        }
    }
}
/** Unpacks `take` values of `width` bits from `at`; reads only the bytes those values occupy. */
function unpackBits(bytes, at, width, mask, out, outAt, take) {
    if (width === 1) {
        // Definition levels and booleans: a byte is eight values.
        for (let i = 0; i < take; i++)
            out[outAt + i] = (bytes[at + (i >> 3)] >> (i & 7)) & 1;
        return;
    }
    // A bit buffer refilled a byte at a time; with width <= 24 it never holds more than 31 bits.
    let buffer = 0;
    let bits = 0;
    let next = at;
    for (let i = 0; i < take; i++) {
        while (bits < width) {
            buffer |= bytes[next++] << bits;
            bits += 8;
        }
        out[outAt + i] = buffer & mask;
        buffer >>>= width;
        bits -= width;
    }
}
const pad = (value, width = 2) => String(value).padStart(width, '0');
function isoDate(millis) {
    const date = new Date(millis);
    return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}
/**
 * Day numbers as ISO dates, remembered: a date column repeats its days, and building the text
 * costs more than the rest of reading the value. Bounded: emptied past 4,096 days.
 */
const DAYS = new Map();
function isoDay(days) {
    let text = DAYS.get(days);
    if (text === undefined) {
        if (DAYS.size >= 4096)
            DAYS.clear();
        DAYS.set(days, (text = isoDate(days * 86_400_000)));
    }
    return text;
}

;// CONCATENATED MODULE: ./shared/data/parquet.ts





const PARSERS = {
    dateFromDays: isoDay,
    timestampFromMilliseconds: (millis) => new Date(Number(millis)).toISOString(),
    timestampFromMicroseconds: (micros) => new Date(Number(micros / 1000n)).toISOString(),
    timestampFromNanoseconds: (nanos) => new Date(Number(nanos / 1000000n)).toISOString(),
};
/** A decoded Parquet value as a record value. */
function normaliseParquetValue(value) {
    if (value === undefined || value === null)
        return null;
    if (typeof value === 'bigint')
        return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
            ? Number(value)
            : value.toString();
    if (value instanceof Date)
        return value.toISOString();
    if (value instanceof Uint8Array)
        return Buffer.from(value).toString('base64');
    if (Array.isArray(value))
        return value.map(normaliseParquetValue);
    if (typeof value === 'object')
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, normaliseParquetValue(item)]));
    return value;
}
/** Opens a Parquet file and reads its footer; a corrupt footer is a located DataFileError. */
async function openParquet(path) {
    const hyparquet = await __nccwpck_require__.e(/* import() */ 338).then(__nccwpck_require__.bind(__nccwpck_require__, 64338));
    let file;
    try {
        file = await hyparquet.asyncBufferFromFile(path);
    }
    catch (error) {
        throw read_file_fileError(error, path, 'data file');
    }
    let metadata;
    try {
        metadata = await hyparquet.parquetMetadataAsync(file);
    }
    catch (error) {
        throw corrupt(path, 'footer', error);
    }
    const children = hyparquet.parquetSchema(metadata).children;
    const columns = children.map((child) => child.element.name);
    const elements = children.map((child) => ({
        ...child.element,
        num_children: child.children.length,
    }));
    const scales = elements.map((element) => !element.num_children && isDecimal(element) ? (element.scale ?? 0) : undefined);
    return {
        path,
        hyparquet,
        file,
        metadata,
        columns,
        elements,
        groupRows: metadata.row_groups.map((group) => Number(group.num_rows)),
        buffers: columns.map(() => ({})),
        scales,
        readMetadata: scales.some((scale) => scale !== undefined)
            ? {
                ...metadata,
                schema: metadata.schema.map((element) => isDecimal(element)
                    ? { ...element, converted_type: undefined, logical_type: undefined }
                    : element),
            }
            : metadata,
    };
}
const isDecimal = (element) => element.converted_type === 'DECIMAL' || element.logical_type?.type === 'DECIMAL';
const corrupt = (path, where, error) => new DataFileError(`The data file "${path}" is not a readable Parquet file (${where}: ${error.message}). Write it again, or check that it is Parquet.`, 'format-error', path);
/** `onRow` gets one cells array, refilled for every row: read it during the call, do not keep it. */
async function readParquet(path, onHeader, onRow) {
    const source = await openParquet(path);
    onHeader(source.columns);
    await readParquetGroups(source, onRow, 0, source.groupRows.length);
}
/** The rows of row groups [from, to) of an opened file (a shard), as readParquet gives them. */
async function readParquetGroups(source, onRow, from, to) {
    const { columns, groupRows } = source;
    const cells = new Array(columns.length);
    for (let index = from; index < to; index++) {
        const data = await readRowGroup(source, index);
        const next = new Array(data.length).fill(0);
        const rowStart = groupStart(source, index);
        for (let i = 0; i < groupRows[index]; i++) {
            for (let c = 0; c < data.length; c++) {
                const column = data[c];
                if (column.present !== undefined && column.present[i] === 0)
                    cells[c] = null;
                else {
                    const value = column.values[next[c]++];
                    const scale = source.scales[c];
                    cells[c] = column.decoded
                        ? value
                        : scale !== undefined
                            ? decimalOf(value, scale)
                            : parquetCell(value);
                }
            }
            onRow(cells, rowStart + i + 1);
        }
    }
}
/** The 0-based index of the first row of a row group. */
function groupStart(source, group) {
    let start = 0;
    for (let i = 0; i < group; i++)
        start += source.groupRows[i];
    return start;
}
/** A DECIMAL's unscaled integer (a number, bigint or bytes, as its physical type has it) as a cell. */
function decimalOf(value, scale) {
    const unscaled = unscaledOf(value);
    return unscaled === undefined ? null : decimalCell(unscaled, scale);
}
/** A decoded Parquet value as a raw cell: numbers, strings, booleans and null as they are, the rest normalised. */
function parquetCell(value) {
    return typeof value === 'object' || typeof value === 'bigint' || value === undefined
        ? normaliseParquetValue(value)
        : value;
}
/** Typed-array views in the flat decoder read Parquet's little-endian numbers as this machine's. */
const FLAT_DECODER = (0,external_node_os_.endianness)() === 'LE';
/** The columns of one row group, in file order; a read that fails is a located DataFileError. */
async function readRowGroup(source, group) {
    const { compressors } = await __nccwpck_require__.e(/* import() */ 138).then(__nccwpck_require__.bind(__nccwpck_require__, 20138));
    const rowStart = groupStart(source, group);
    const rowEnd = rowStart + source.groupRows[group];
    const result = new Array(source.columns.length);
    try {
        const flat = FLAT_DECODER ? await readFlatColumns(source, group, compressors) : [];
        flat.forEach((column, c) => column && (result[c] = { decoded: true, ...column }));
        const rest = source.columns.filter((_, c) => !result[c]);
        if (rest.length > 0) {
            const data = await readWithHyparquet(source, rest, rowStart, rowEnd, compressors);
            source.columns.forEach((name, c) => (result[c] ??= { decoded: false, values: data.get(name) ?? [], present: undefined }));
        }
    }
    catch (error) {
        throw corrupt(source.path, `row group ${group + 1}, rows ${rowStart + 1} to ${rowEnd}`, error);
    }
    return result;
}
/** The flat decoder's columns of a row group; undefined where it does not cover the column (hyparquet reads those). */
async function readFlatColumns(source, group, compressors) {
    const rowGroup = source.metadata.row_groups[group];
    const rows = source.groupRows[group];
    const plans = source.columns.map((name, c) => {
        const chunk = rowGroup.columns.find((column) => column.meta_data?.path_in_schema.length === 1 &&
            column.meta_data.path_in_schema[0] === name);
        return chunk?.meta_data && !chunk.file_path
            ? planFlatColumn(source.elements[c], chunk.meta_data, compressors)
            : undefined;
    });
    const planned = plans.filter((plan) => plan !== undefined);
    if (planned.length === 0)
        return [];
    // One read for the row group's covered chunks, which a writer stores side by side.
    const start = Math.min(...planned.map((plan) => plan.start));
    const end = Math.max(...planned.map((plan) => plan.end));
    if (start < 0 || end > source.file.byteLength)
        throw new Error(`column chunks at bytes ${start} to ${end} lie outside the file's ${source.file.byteLength} bytes`);
    const bytes = new Uint8Array(await source.file.slice(start, end));
    return plans.map((plan, c) => {
        if (!plan)
            return undefined;
        try {
            return decodeFlatColumn(bytes.subarray(plan.start - start, plan.end - start), plan, rows, compressors, source.buffers[c]);
        }
        catch (error) {
            if (error instanceof FlatUnsupported)
                return undefined;
            throw error;
        }
    });
}
/** Columns of the rows [rowStart, rowEnd) (one row group) read by hyparquet, by name. */
async function readWithHyparquet(source, names, rowStart, rowEnd, compressors) {
    const { hyparquet, file } = source;
    const metadata = source.readMetadata;
    // Column by column (onChunk), not row objects (onComplete): hyparquet then skips transposing the row group.
    const data = new Map();
    const place = (chunk) => {
        if (chunk.rowStart === rowStart && chunk.rowEnd === rowEnd) {
            data.set(chunk.columnName, chunk.columnData);
            return;
        }
        // A column delivered in parts (or beyond the range asked): place each part by its rows.
        let target = data.get(chunk.columnName);
        if (!target || !Array.isArray(target))
            data.set(chunk.columnName, (target = new Array(rowEnd - rowStart)));
        for (let row = Math.max(chunk.rowStart, rowStart); row < Math.min(chunk.rowEnd, rowEnd); row++)
            target[row - rowStart] = chunk.columnData[row - chunk.rowStart];
    };
    const read = (columns, utf8) => hyparquet.parquetRead({
        file,
        metadata,
        columns,
        compressors,
        parsers: PARSERS,
        utf8,
        rowStart,
        rowEnd,
        onChunk: place,
    });
    // A BYTE_ARRAY DECIMAL holds bytes, not text: read without UTF-8 decoding.
    const binary = new Set(source.columns.filter((_, c) => source.scales[c] !== undefined && source.elements[c].type === 'BYTE_ARRAY'));
    const text = names.filter((name) => !binary.has(name));
    if (text.length)
        await read(text, true);
    if (text.length < names.length)
        await read(names.filter((name) => binary.has(name)), false);
    return data;
}

;// CONCATENATED MODULE: ./shared/data/records.ts
/**
 * One streaming reader for tabular data: CSV, TSV, JSON Lines and Parquet, gzip-compressed
 * text formats included. Memory stays flat whatever the file size: rows are handed over one
 * at a time (Parquet: one row group in memory at a time) and never kept.
 *
 * Two levels:
 * - `readTable` gives the header once, then each row as cells aligned to it, with what went
 *   wrong with a row (ragged, unreadable, blank) for a validator to report.
 * - `readRecords` gives each row as a record, column name → raw value, with its location,
 *   and stops with a located UserError on a row it cannot read. Use it to consume data.
 *
 * Raw values are what the format holds: text for CSV and TSV (every cell a string, empty
 * cells ""), JSON values for JSON Lines (an absent key is null), and for Parquet numbers,
 * strings, booleans, null, and dates and timestamps as ISO 8601 text.
 */





/** The extensions `formatFromPath` knows, as every message that asks for one lists them. */
const KNOWN_EXTENSIONS = '.csv, .tsv or .tab, .jsonl or .ndjson (these three optionally .gz), .parquet or .pq';
/**
 * The format of a file a user named, from its extension, or a UserError that names the file,
 * the extensions known and `remedy` (how to name the format instead, in the caller's terms).
 */
function detectFormat(path, what, remedy) {
    const format = formatFromPath(path);
    if (!format)
        throw new errors/* UserError */.yo(`Cannot tell the format of the ${what} "${path}" from its extension (expected ${KNOWN_EXTENSIONS}). ${remedy}`);
    return format;
}
/** The format from the file name (`.csv`, `.tsv`/`.tab`, `.jsonl`/`.ndjson`, `.parquet`/`.pq`, text formats optionally `.gz`). */
function formatFromPath(path) {
    const match = /\.(csv|tsv|tab|jsonl|ndjson|parquet|pq)(\.gz)?$/i.exec(path);
    if (!match)
        return undefined;
    const extension = match[1].toLowerCase();
    if (extension === 'parquet' || extension === 'pq')
        return match[2] ? undefined : 'parquet';
    return extension === 'csv' ? 'csv' : extension === 'tab' || extension === 'tsv' ? 'tsv' : 'jsonl';
}
/**
 * Streams a table. Rejects with a UserError when the file cannot be read at all (missing file)
 * and with a DataFileError (a UserError with a code and location) when its bytes are not what
 * the format says: invalid UTF-8, truncated gzip, corrupt Parquet.
 */
async function readTable(path, format, handlers, options = {}) {
    if (format === 'parquet') {
        if (/\.gz$/i.test(path))
            throw new errors/* UserError */.yo(`The data file "${path}" is gzip-compressed Parquet, which cannot be read in a stream; Parquet compresses its own pages, so write it without the outer gzip.`);
        return readParquet(path, (columns) => handlers.header(columns), (cells, row) => handlers.row({ cells, row }));
    }
    if (format === 'jsonl')
        return readJsonTable(path, handlers);
    let header = false;
    let row = 0;
    await readDelimited(path, format, ({ fields, line, parseError, blank }) => {
        if (!header) {
            if (blank)
                return; // blank lines before the header hold nothing
            header = true;
            handlers.header(fields, line);
            return;
        }
        row++;
        if (parseError)
            handlers.row({ cells: fields, row, line, problem: parseError });
        else if (blank)
            handlers.row({ cells: fields, row, line, blank: true });
        else
            handlers.row({ cells: fields, row, line });
    }, options.dialect);
}
/** Unreadable lines kept back while no JSON object has given the header; past this many the file is not JSON Lines. */
const PROBLEMS_BEFORE_HEADER = 1000;
async function readJsonTable(path, handlers) {
    let columns;
    let index;
    let row = 0;
    // Lines that cannot be read before the first object: handed on once the header is known, as
    // the handlers need the header before any row.
    let early = [];
    const flushEarly = () => {
        for (const problem of early)
            handlers.row(problem);
        early = [];
    };
    await readJsonLines(path, (entry) => {
        if ('blank' in entry) {
            if (columns)
                handlers.row({ cells: [], row: ++row, line: entry.line, blank: true });
            return;
        }
        if ('problem' in entry) {
            const problem = {
                cells: [],
                row: ++row,
                line: entry.line,
                problem: `line ${entry.line} is ${entry.problem}`,
            };
            if (columns)
                return handlers.row(problem);
            early.push(problem);
            if (early.length >= PROBLEMS_BEFORE_HEADER) {
                throw new DataFileError(`The data file "${path}" has no JSON object in its first ${entry.line} lines (${early[0].problem}): it is not JSON Lines, one object per line.`, 'format-error', path, early[0].line);
            }
            return;
        }
        const value = entry.value;
        if (!columns || !index) {
            columns = Object.keys(value);
            index = new Map(columns.map((name, i) => [name, i]));
            handlers.header(columns, entry.line);
            flushEarly();
        }
        const cells = new Array(columns.length).fill(null);
        let extraKeys;
        for (const key in value) {
            const at = index.get(key);
            if (at === undefined)
                (extraKeys ??= []).push(key);
            else
                cells[at] = value[key] ?? null;
        }
        handlers.row(extraKeys
            ? { cells, row: ++row, line: entry.line, extraKeys }
            : { cells, row: ++row, line: entry.line });
    });
    if (!columns && early.length) {
        // No object at all: the header is empty, and each line says why.
        handlers.header([], early[0].line);
        flushEarly();
    }
}
/**
 * Streams every row as a record. Blank lines are skipped; JSON Lines keys that the first
 * object does not have are left out (readTable reports them as `extraKeys`); a row that cannot be read, or whose
 * cells do not match the header, stops the read with a UserError naming the file and line
 * (or row, for Parquet). Resolves to the column names.
 */
async function readRecords(path, format, onRecord, options = {}) {
    let columns = [];
    const at = (row) => (row.line !== undefined ? `line ${row.line}` : `row ${row.row}`);
    await readTable(path, format, {
        header: (names) => (columns = [...names]),
        row(row) {
            if (row.blank)
                return;
            if (row.problem)
                throw new UserError(`The data file "${path}" cannot be read at ${at(row)}: ${row.problem}.`);
            if (format !== 'jsonl' && row.cells.length !== columns.length) {
                throw new UserError(`The data file "${path}", ${at(row)}: ${row.cells.length} cells where the header has ${columns.length}.`);
            }
            const values = {};
            for (let i = 0; i < columns.length; i++)
                values[columns[i]] = row.cells[i] ?? null;
            onRecord(row.line !== undefined
                ? { values, row: row.row, line: row.line }
                : { values, row: row.row });
        },
    }, options);
    return columns;
}

;// CONCATENATED MODULE: ./shared/metrics/random.ts
/**
 * Seeded randomness for the bootstrap, the same on every machine so that intervals reproduce
 * exactly: xoshiro128** (Blackman and Vigna, seeded through splitmix32) draws one key per
 * resample, and `poissonAt` turns a key and a row index into that row's Poisson(1) weight.
 * Written here rather than taken from a library because the weights are drawn inline, a
 * million per resample and several times over, where a library call per draw would dominate.
 */
class Xoshiro128 {
    a;
    b;
    c;
    d;
    constructor(seed) {
        let state = seed >>> 0;
        const splitmix32 = () => {
            state = (state + 0x9e3779b9) | 0;
            let z = state;
            z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
            z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
            return (z ^ (z >>> 16)) >>> 0;
        };
        this.a = splitmix32();
        this.b = splitmix32();
        this.c = splitmix32();
        this.d = splitmix32();
    }
    /** The next 32 random bits, as an unsigned integer. */
    nextUint32() {
        const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
        const t = this.b << 9;
        this.c ^= this.a;
        this.d ^= this.b;
        this.b ^= this.c;
        this.a ^= this.d;
        this.c ^= t;
        this.d = rotl(this.d, 11);
        return result;
    }
}
/**
 * The Poisson(1) weight of `row` in the resample keyed `key`: a counter-based draw (the row
 * index mixed with the key by murmur3's 32-bit finaliser), so that every pass over the rows,
 * in whatever order it walks them, finds the same weight for the same row without looking it
 * up in memory. The per-resample keys come from the seeded generator.
 */
function poissonAt(key, row) {
    let z = (Math.imul(row, 0x9e3779b1) ^ key) >>> 0;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    const u = (z ^ (z >>> 16)) >>> 0;
    const quick = POISSON1_BY_TOP_BYTE[u >>> 24];
    if (quick !== 255)
        return quick;
    let k = 0;
    while (u >= POISSON1_CDF[k])
        k++;
    return k;
}
/**
 * P(X ≤ k) for X ~ Poisson(1), scaled to 2^32, for k = 0, 1, ...; the last entry is 2^32 so
 * the search always ends (the mass it lumps into its k, P(X > 12) ≈ 2e-11, is below what 32
 * random bits resolve).
 */
const POISSON1_CDF = (() => {
    const cdf = [];
    let term = Math.exp(-1);
    let sum = 0;
    for (let k = 0; k < 12; k++) {
        sum += term;
        cdf.push(Math.floor(sum * 4294967296));
        term /= k + 1;
    }
    cdf.push(4294967296);
    return Float64Array.from(cdf);
})();
/** For each top byte of a 32-bit draw, the Poisson value when the whole bucket maps to one; else 255. */
const POISSON1_BY_TOP_BYTE = (() => {
    const table = new Uint8Array(256);
    const valueAt = (u) => {
        let k = 0;
        while (u >= POISSON1_CDF[k])
            k++;
        return k;
    };
    for (let b = 0; b < 256; b++) {
        const first = valueAt(b * 16777216);
        table[b] = first === valueAt(b * 16777216 + 16777215) ? first : 255;
    }
    return table;
})();
function rotl(x, k) {
    return (x << k) | (x >>> (32 - k));
}

;// CONCATENATED MODULE: ./shared/metrics/bootstrap.ts
/**
 * Bootstrap confidence intervals for every scalar metric.
 *
 * Scheme: the Poisson bootstrap. Each resample gives every row a weight drawn from
 * Poisson(1), the number of times it is "drawn", instead of drawing n row indices with
 * replacement (the multinomial bootstrap, whose counts tend to the same Poisson(1) law as n
 * grows). The weights are drawn in one sequential pass with no count array to scatter into,
 * and every metric is computed from them by `PreparedMetrics.evaluate`, which walks the
 * confusion counts, per-row losses and the score orders sorted once up front: a resample costs
 * a few passes over the rows and no sorting. Sample weights multiply the Poisson weights.
 * The interval is the percentile interval (quantiles with linear interpolation, as
 * numpy.percentile) over the resamples in which the metric is defined; a metric undefined in
 * more than half of them (e.g. ROC AUC of a slice with few positives) gets no interval.
 * Seeded: the same seed, rows and options give identical intervals on every machine.
 */


const BOOTSTRAP_METHOD = 'poisson-bootstrap, percentile interval';
/**
 * The most work a bootstrap may do, in units of one row evaluated once (about 10 ns): a minute
 * or two on a runner. A resample of the whole file and of every slice column costs
 * `(1 + slice columns) × (rows × (1 + score columns) + 10 × classes)` units: every row is
 * tallied once and ranked once per score column, and every class costs about ten rows; with
 * sensitive features, `rows` more (the fairness pass adds each row to its cell once).
 */
const BOOTSTRAP_WORK_BUDGET = 1e10;
/** Fewer resamples than this give intervals too rough to judge a regression by: refused instead. */
const MIN_BOOTSTRAP_RESAMPLES = 200;
function resampleWork(shape) {
    return ((1 + shape.sliceColumns) * (shape.rows * (1 + shape.scoreColumns) + 10 * shape.classes) +
        (shape.sensitive ? shape.rows : 0));
}
/**
 * The resamples to run within the work budget: the ones asked for, or fewer with a warning
 * (`reduced`), or a UserError when even MIN_BOOTSTRAP_RESAMPLES would not fit.
 */
function boundedResamples(requested, shape, source, budget = BOOTSTRAP_WORK_BUDGET) {
    const perResample = resampleWork(shape);
    const affordable = Math.floor(budget / Math.max(1, perResample));
    if (requested <= affordable)
        return { resamples: requested };
    const what = `${shape.rows} rows, ${shape.classes} classes, ${shape.scoreColumns} score columns and ${shape.sliceColumns} slice columns${shape.sensitive ? ', with sensitive features' : ''}`;
    if (affordable < MIN_BOOTSTRAP_RESAMPLES) {
        throw new errors/* UserError */.yo(`Input "bootstrap": a bootstrap of the predictions file "${source}" (${what}) would cost ${perResample.toExponential(2)} units of work per resample, so not even ${MIN_BOOTSTRAP_RESAMPLES} resamples fit the budget of ${budget.toExponential(0)} (about a minute or two). Set "bootstrap: 0" for metrics without intervals, or evaluate fewer score columns, slice columns or rows (e.g. a sample).`);
    }
    return {
        resamples: affordable,
        warning: `Input "bootstrap" asks for ${requested} resamples, but the predictions file "${source}" (${what}) affords ${affordable} within the bootstrap's work budget; the intervals use ${affordable}. Set "bootstrap" to ${affordable} or less to silence this.`,
    };
}
function bootstrapIntervals(prepared, names, options) {
    const random = new Xoshiro128(options.seed);
    const out = new Float64Array(prepared.names.length);
    const slots = names.map((name) => prepared.names.indexOf(name));
    // One row of draws per metric, NaN where the resample leaves the metric undefined.
    const draws = new Float64Array(names.length * options.resamples).fill(Number.NaN);
    for (let r = 0; r < options.resamples; r++) {
        // No buffer of weights: a classification draws each where it uses it (8 bytes a row less at peak).
        prepared.resample(random, null, out);
        for (let m = 0; m < names.length; m++)
            if (slots[m] !== -1)
                draws[m * options.resamples + r] = out[slots[m]];
    }
    const intervals = {};
    for (let m = 0; m < names.length; m++) {
        const interval = percentileInterval(draws.subarray(m * options.resamples, (m + 1) * options.resamples), options.confidence);
        if (interval)
            intervals[names[m]] = interval;
    }
    return intervals;
}
/**
 * The percentile interval of one quantity's draws (NaN: undefined in that resample), or
 * undefined when it is undefined in half the resamples or more.
 */
function percentileInterval(draws, confidence) {
    const defined = draws.filter((v) => !Number.isNaN(v)).sort();
    if (defined.length * 2 <= draws.length)
        return undefined;
    const tail = (1 - confidence) / 2;
    return [quantile(defined, tail), quantile(defined, 1 - tail)];
}
/** numpy.quantile's default ("linear") of sorted values. */
function quantile(sorted, q) {
    const position = q * (sorted.length - 1);
    const below = Math.floor(position);
    const above = Math.min(below + 1, sorted.length - 1);
    return sorted[below] + (sorted[above] - sorted[below]) * (position - below);
}
/** A seed of its own for each slice, so that adding a slice column leaves the others' intervals alone. */
function derivedSeed(seed, label) {
    let hash = 0x811c9dc5 ^ seed;
    for (let i = 0; i < label.length; i++)
        hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
    return hash >>> 0;
}

;// CONCATENATED MODULE: ./shared/metrics/classification.ts
function classTallies(k, labels, predictions, weights) {
    const support = new Float64Array(k);
    const predicted = new Float64Array(k);
    const truePositive = new Float64Array(k);
    let total = 0;
    for (let i = 0; i < labels.length; i++) {
        const w = weights === null ? 1 : weights[i];
        const t = labels[i];
        const p = predictions[i];
        support[t] += w;
        predicted[p] += w;
        if (t === p)
            truePositive[t] += w;
        total += w;
    }
    return { k, support, predicted, truePositive, total };
}
function perClass({ k, support, predicted, truePositive }) {
    const result = [];
    for (let c = 0; c < k; c++) {
        const tp = truePositive[c];
        const precision = predicted[c] === 0 ? 0 : tp / predicted[c];
        const recall = support[c] === 0 ? 0 : tp / support[c];
        const denominator = precision + recall;
        result.push({
            precision,
            recall,
            f1: denominator === 0 ? 0 : (2 * precision * recall) / denominator,
            support: support[c],
        });
    }
    return result;
}
function correct({ k, truePositive }) {
    let sum = 0;
    for (let c = 0; c < k; c++)
        sum += truePositive[c];
    return sum;
}
function accuracy(tallies) {
    return tallies.total === 0 ? undefined : correct(tallies) / tallies.total;
}
function balancedAccuracy(classes) {
    const present = classes.filter((c) => c.support > 0);
    return present.length
        ? present.reduce((sum, c) => sum + c.recall, 0) / present.length
        : undefined;
}
function macroAverage(classes, key) {
    return classes.length ? classes.reduce((sum, c) => sum + c[key], 0) / classes.length : undefined;
}
function weightedAverage(classes, key) {
    const support = classes.reduce((sum, c) => sum + c.support, 0);
    return support > 0
        ? classes.reduce((sum, c) => sum + c[key] * c.support, 0) / support
        : undefined;
}
/** scikit-learn's multiclass MCC, which needs only the marginals and the trace of the matrix. */
function matthewsCorrcoef(tallies) {
    const { k, support, predicted } = tallies;
    let samples = 0;
    let truePredicted = 0;
    let predictedPredicted = 0;
    let trueTrue = 0;
    for (let c = 0; c < k; c++) {
        samples += predicted[c];
        truePredicted += support[c] * predicted[c];
        predictedPredicted += predicted[c] * predicted[c];
        trueTrue += support[c] * support[c];
    }
    const covTruePredicted = correct(tallies) * samples - truePredicted;
    const covPredicted = samples * samples - predictedPredicted;
    const covTrue = samples * samples - trueTrue;
    return covPredicted * covTrue === 0 ? 0 : covTruePredicted / Math.sqrt(covTrue * covPredicted);
}
/**
 * The confusion matrix of the report: weighted counts, rows = true class, columns = predicted
 * class, over at most `limit` classes, those with the most true weight (ties: the earlier class),
 * kept in class order. Rows whose label or prediction is another class are left out.
 */
function cappedConfusion(classes, labels, predictions, weights, limit) {
    const k = classes.length;
    const shown = shownClasses(classTallies(k, labels, predictions, weights).support, limit);
    const position = new Int32Array(k).fill(-1);
    shown.forEach((c, i) => (position[c] = i));
    const m = shown.length;
    const counts = new Float64Array(m * m);
    for (let i = 0; i < labels.length; i++) {
        const t = position[labels[i]];
        const p = position[predictions[i]];
        if (t !== -1 && p !== -1)
            counts[t * m + p] += weights === null ? 1 : weights[i];
    }
    return {
        shown,
        matrix: Array.from({ length: m }, (_, t) => Array.from(counts.subarray(t * m, t * m + m))),
    };
}
/** The indices of the `limit` classes with the most support (ties: the earlier), in class order. */
function shownClasses(support, limit) {
    const all = Array.from(support, (_, c) => c);
    if (all.length <= limit)
        return all;
    return all
        .sort((a, b) => support[b] - support[a] || a - b)
        .slice(0, limit)
        .sort((a, b) => a - b);
}
/** scikit-learn's clipping bound for log_loss since 1.2 (eps="auto"): the float64 machine epsilon. */
const LOG_LOSS_EPS = Number.EPSILON;
/**
 * Each row's log loss, −log p(true class), after scikit-learn 1.2's clipping of every
 * probability to [eps, 1 − eps] and renormalising the row to sum to 1. Binary rows hold
 * P(positive) only, as a 1-D `y_pred` does.
 */
function binaryRowLogLoss(probability, isPositive) {
    const p = Math.min(Math.max(probability, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
    const q = 1 - p;
    return -Math.log((isPositive ? p : q) / (q + p));
}
function multiclassRowLogLoss(scores, offset, k, trueColumn) {
    let sum = 0;
    let own = 0;
    for (let c = 0; c < k; c++) {
        const p = Math.min(Math.max(scores[offset + c], LOG_LOSS_EPS), 1 - LOG_LOSS_EPS);
        sum += p;
        if (c === trueColumn)
            own = p;
    }
    return -Math.log(own / sum);
}

;// CONCATENATED MODULE: ./shared/metrics/ranking.ts
/** One walk down the rows by descending score. */
function rankingMetrics(column, weighting) {
    const { groupEnds, positive, rows, sampleWeights } = column;
    const weights = 'array' in weighting ? weighting.array : null;
    const drawn = 'drawn' in weighting ? weighting.drawn : null;
    const walk = new RankingWalk();
    const weightAt = (j) => drawn !== null
        ? drawn[rows === null ? j : rows[j]] * (sampleWeights ? sampleWeights[j] : 1)
        : weights === null
            ? 1
            : weights[rows === null ? j : rows[j]];
    if (drawn !== null && rows !== null && !sampleWeights && groupEnds.length === positive.length)
        return distinctDrawnWalk(positive, rows, drawn);
    if (groupEnds.length === positive.length) {
        // Every score distinct (continuous scores): a run per row, without the runs' bookkeeping.
        for (let j = 0; j < positive.length; j++) {
            const w = weightAt(j);
            walk.group(w * positive[j], w);
        }
        return walk.result();
    }
    let start = 0;
    for (let g = 0; g < groupEnds.length; g++) {
        const end = groupEnds[g];
        let tp = 0;
        let all = 0;
        for (let j = start; j < end; j++) {
            const w = weightAt(j);
            // w·1 and w·0 are exact, so this equals summing by branch, without the mispredictions.
            tp += w * positive[j];
            all += w;
        }
        start = end;
        walk.group(tp, all);
    }
    return walk.result();
}
/**
 * The walk of a column whose scores are all distinct (continuous scores), under a resample's
 * counts and no sample weights: twice as fast as `RankingWalk.group` per row (a bootstrap walks
 * every score column of a million rows a thousand times). Only a positive row with a count
 * branches: the area, Σ over negatives of w·(positive weight above), is summed as Σ over
 * positives of w·(negative weight below), TP·FP − Σ w·(negative weight above). Every term is a
 * whole number below 2^53, so the area is exactly the integer the ordered walk sums; the
 * precision terms are the same operations in the same order. Values equal to the last bit.
 */
function distinctDrawnWalk(positive, rows, drawn) {
    let truePositives = 0;
    let falsePositives = 0;
    let above = 0;
    let precisionSum = 0;
    for (let j = 0; j < positive.length; j++) {
        const w = drawn[rows[j]];
        const p = positive[j];
        falsePositives += w - w * p;
        if (p === 1 && w > 0) {
            truePositives += w;
            above += w * falsePositives;
            precisionSum += w * (truePositives / (truePositives + falsePositives));
        }
    }
    const area = truePositives * falsePositives - above;
    return walkResult(truePositives, falsePositives, area, precisionSum);
}
/** ROC AUC and average precision from a finished walk's sums. */
function walkResult(truePositives, falsePositives, area, precisionSum) {
    return {
        rocAuc: truePositives > 0 && falsePositives > 0 ? area / (truePositives * falsePositives) : undefined,
        averagePrecision: truePositives > 0 ? precisionSum / truePositives : falsePositives > 0 ? 0 : undefined,
        positives: truePositives,
    };
}
/**
 * The running sums of one walk down a ranking, a run of tied scores at a time: apart from
 * `rankingMetrics`, so that a pass over the rows that tallies other metrics too can walk the
 * ranking it is held in on the way.
 */
class RankingWalk {
    truePositives = 0;
    falsePositives = 0;
    area = 0;
    precisionSum = 0;
    /** The next run of tied scores: `tp` the weight of its positive rows, `all` of all its rows. */
    group(tp, all) {
        const fp = all - tp;
        const before = this.truePositives;
        this.truePositives += tp;
        this.falsePositives += fp;
        this.area += (fp * (before + this.truePositives)) / 2;
        if (tp > 0)
            this.precisionSum += tp * (this.truePositives / (this.truePositives + this.falsePositives));
    }
    result() {
        return walkResult(this.truePositives, this.falsePositives, this.area, this.precisionSum);
    }
}

;// CONCATENATED MODULE: ./shared/metrics/regression.ts
/** Why a regression metric is undefined, in scikit-learn's words. */
const REGRESSION_REASONS = {
    r2: 'R^2 score is not well-defined with less than two samples.',
    d2_absolute_error_score: 'D^2 score is not well-defined with less than two samples.',
    mean_squared_log_error: 'Mean Squared Logarithmic Error cannot be used when targets contain negative values.',
};
/** The rows of a regression, prepared: `order` holds the rows by descending absolute error. */
function regressionRows(labels, predictions, absoluteErrors, labelOrder) {
    const n = labels.length;
    let negative = false;
    for (let i = 0; i < n && !negative; i++)
        negative = labels[i] < 0 || predictions[i] < 0;
    let squaredLogErrors;
    if (!negative) {
        squaredLogErrors = new Float64Array(n);
        for (let i = 0; i < n; i++)
            squaredLogErrors[i] = (Math.log1p(labels[i]) - Math.log1p(predictions[i])) ** 2;
    }
    return { labels, predictions, absoluteErrors, labelOrder, squaredLogErrors };
}
function regressionMetrics(rows, weights, countsOnly) {
    const { labels, predictions, absoluteErrors } = rows;
    const n = labels.length;
    let weight = 0;
    let labelSum = 0;
    let differenceSum = 0;
    let absoluteSum = 0;
    let squaredSum = 0;
    let percentageSum = 0;
    let squaredLogSum = 0;
    let maxError = Number.NaN;
    const { squaredLogErrors } = rows;
    for (let i = 0; i < n; i++) {
        const w = weights === null ? 1 : weights[i];
        if (w === 0)
            continue;
        // Rows are in descending absolute error: the first that counts holds the largest.
        if (Number.isNaN(maxError))
            maxError = absoluteErrors[i];
        if (squaredLogErrors)
            squaredLogSum += w * squaredLogErrors[i];
        const difference = labels[i] - predictions[i];
        weight += w;
        labelSum += w * labels[i];
        differenceSum += w * difference;
        absoluteSum += w * absoluteErrors[i];
        squaredSum += w * difference * difference;
        percentageSum += (w * absoluteErrors[i]) / Math.max(Math.abs(labels[i]), Number.EPSILON);
    }
    if (weight === 0)
        return undefined;
    const labelMean = labelSum / weight;
    const differenceMean = differenceSum / weight;
    let totalSquares = 0;
    let differenceSquares = 0;
    for (let i = 0; i < n; i++) {
        const w = weights === null ? 1 : weights[i];
        if (w === 0)
            continue;
        const centred = labels[i] - labelMean;
        const spread = labels[i] - predictions[i] - differenceMean;
        totalSquares += w * centred * centred;
        differenceSquares += w * spread * spread;
    }
    const mse = squaredSum / weight;
    // scikit-learn counts rows (zero weights too); a resample counts the rows it drew.
    const enough = (countsOnly ? weight : n) >= 2;
    return {
        mae: absoluteSum / weight,
        mse,
        rmse: Math.sqrt(mse),
        r2: enough ? explained(squaredSum, totalSquares) : undefined,
        mape: percentageSum / weight,
        median_absolute_error: medianAbsoluteError(rows, weights, countsOnly),
        explained_variance: explained(differenceSquares / weight, totalSquares / weight),
        mean_squared_log_error: squaredLogErrors ? squaredLogSum / weight : undefined,
        max_error: maxError,
        d2_absolute_error_score: enough
            ? d2AbsoluteError(rows, weights, countsOnly, absoluteSum / weight, weight)
            : undefined,
    };
}
/**
 * scikit-learn's d2_absolute_error_score: 1 − Σ w|y − ŷ| / Σ w|y − median(y)| (the median
 * weighted as its `_weighted_percentile` weighs it), 1 when the model's error is 0 and 0 when
 * only the median's is.
 */
function d2AbsoluteError(rows, weights, countsOnly, meanAbsoluteError, totalWeight) {
    const { labels, labelOrder } = rows;
    const median = weightedMedian(labels.length, (j) => labels[labelOrder[j]], weights && ((j) => weights[labelOrder[j]]), countsOnly);
    let spread = 0;
    for (let i = 0; i < labels.length; i++) {
        const w = weights === null ? 1 : weights[i];
        if (w !== 0)
            spread += w * Math.abs(labels[i] - median);
    }
    const baseline = spread / totalWeight;
    if (meanAbsoluteError === 0)
        return 1;
    return baseline === 0 ? 0 : 1 - meanAbsoluteError / baseline;
}
function explained(residual, total) {
    if (total !== 0)
        return 1 - residual / total;
    return residual === 0 ? 1 : 0;
}
function medianAbsoluteError({ absoluteErrors }, weights, countsOnly) {
    const n = absoluteErrors.length;
    // Rows are in descending order: ascending rank j is row n − 1 − j.
    return weightedMedian(n, (j) => absoluteErrors[n - 1 - j], weights && ((j) => weights[n - 1 - j]), countsOnly);
}
/**
 * The median of n values given in ascending order (`value(j)`, the j-th smallest) under
 * weights (`weight(j)`; null: unweighted, numpy's median, the mean of the two middle values).
 * `countsOnly`: the weights are bootstrap repeat counts, the median is that of the values
 * repeated; otherwise scikit-learn's `_weighted_percentile`: the first value whose cumulative
 * weight reaches half.
 */
function weightedMedian(n, value, weight, countsOnly) {
    if (weight === null)
        return (value(Math.floor((n - 1) / 2)) + value(Math.floor(n / 2))) / 2;
    let totalWeight = 0;
    for (let j = 0; j < n; j++)
        totalWeight += weight(j);
    if (countsOnly) {
        const lowerRank = Math.floor((totalWeight - 1) / 2);
        const upperRank = Math.floor(totalWeight / 2);
        let seen = 0;
        let lower = Number.NaN;
        for (let j = 0; j < n; j++) {
            seen += weight(j);
            if (Number.isNaN(lower) && seen > lowerRank)
                lower = value(j);
            if (seen > upperRank)
                return (lower + value(j)) / 2;
        }
        return lower;
    }
    const half = totalWeight * 0.5;
    let cumulative = 0;
    for (let j = 0; j < n; j++) {
        cumulative += weight(j);
        if (cumulative >= half)
            return value(j);
    }
    return value(n - 1);
}
/** The quantiles of the residual summary, in percent. */
const RESIDUAL_PERCENTILES = [5, 25, 50, 75, 95];
/**
 * The residual summary: without weights numpy's `percentile` (linear interpolation between the
 * two nearest ranks); with weights scikit-learn's `_weighted_percentile`, the first residual
 * whose cumulative weight reaches the quantile, the definition its median_absolute_error uses.
 * Undefined without rows (or without weight).
 */
function residualQuantiles(labels, predictions, weights) {
    const n = labels.length;
    if (n === 0)
        return undefined;
    const residuals = new Float64Array(n);
    for (let i = 0; i < n; i++)
        residuals[i] = predictions[i] - labels[i];
    const quantile = weights ? weightedQuantile(residuals, weights) : linearQuantile(residuals);
    if (!quantile)
        return undefined;
    const [p5, p25, p50, p75, p95] = RESIDUAL_PERCENTILES.map(quantile);
    return { p5, p25, p50, p75, p95 };
}
function linearQuantile(values) {
    const sorted = values.slice().sort();
    return (percent) => {
        const position = (percent / 100) * (sorted.length - 1);
        const below = Math.floor(position);
        const t = position - below;
        const a = sorted[below];
        const b = sorted[Math.min(below + 1, sorted.length - 1)];
        // numpy's lerp: from the nearer end, so that t = 1 gives b exactly.
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    };
}
function weightedQuantile(values, weights) {
    const order = Array.from(values.keys()).sort((i, j) => values[i] - values[j]);
    const cumulative = new Float64Array(order.length);
    let total = 0;
    order.forEach((row, k) => (cumulative[k] = total += weights[row]));
    if (!(total > 0))
        return undefined;
    return (percent) => {
        let target = (percent / 100) * total;
        // scikit-learn: at 0, rows of no weight at the start do not count.
        if (target === 0)
            target = Number.MIN_VALUE;
        let lo = 0;
        let hi = order.length;
        while (lo < hi) {
            const mid = (lo + hi) >> 1;
            if (cumulative[mid] < target)
                lo = mid + 1;
            else
                hi = mid;
        }
        return values[order[Math.min(lo, order.length - 1)]];
    };
}

;// CONCATENATED MODULE: ./shared/metrics/sort.ts
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [lo, hi] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
/**
 * Orders `values[offset + i·stride]` for i = 0, 1, ... from highest to lowest. No NaN.
 * `withGroups`: set `groups` where the scores allow it. `scratch`: where the radix sort keeps
 * its keys (else it allocates them for this sort).
 */
function descendingOrder(values, stride = 1, offset = 0, withGroups = false, scratch = {}) {
    const n = Math.floor((values.length - offset + stride - 1) / stride);
    if (n < SMALL)
        return comparedOrder(values, stride, offset, n);
    const counted = countedOrder(values, stride, offset, n, withGroups);
    if (counted !== undefined)
        return counted;
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    // Keys as unsigned 64-bit halves that sort like the numbers (flip every bit of negatives, the
    // sign bit of the rest), then complemented, so ascending key order is descending value order.
    if (scratch.words === undefined || scratch.words.length < 4 * n)
        scratch.words = new Uint32Array(4 * n);
    const work = scratch.words;
    let high = work.subarray(0, n);
    let low = work.subarray(n, 2 * n);
    // Every digit's counts in one pass: six 11-bit digits, three of each half.
    const counts = new Uint32Array(6 * RADIX);
    for (let i = 0; i < n; i++) {
        const at = 2 * (offset + i * stride);
        let h = words[at + hi];
        let l = words[at + lo];
        if (h === 0x80000000 && l === 0)
            h = 0; // -0 is the same threshold as 0
        if (h & 0x80000000) {
            h = ~h;
            l = ~l;
        }
        else {
            h |= 0x80000000;
        }
        h = ~h >>> 0;
        l = ~l >>> 0;
        high[i] = h;
        low[i] = l;
        counts[l & DIGIT]++;
        counts[RADIX + ((l >>> 11) & DIGIT)]++;
        counts[2 * RADIX + (l >>> 22)]++;
        counts[3 * RADIX + (h & DIGIT)]++;
        counts[4 * RADIX + ((h >>> 11) & DIGIT)]++;
        counts[5 * RADIX + (h >>> 22)]++;
    }
    let order = new Uint32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    // The keys move with the rows, so that every pass reads them in sequence: with 2,048 buckets
    // a pass writes to few enough places at once to stay in cache (four passes of 16 bits, reading
    // the keys through the order, took three times as long).
    let nextOrder = new Uint32Array(n);
    let nextHigh = work.subarray(2 * n, 3 * n);
    let nextLow = work.subarray(3 * n, 4 * n);
    for (let pass = 0; pass < 6; pass++) {
        const digits = counts.subarray(pass * RADIX, (pass + 1) * RADIX);
        if (digits.includes(n))
            continue; // every key has this digit: the pass would change nothing
        let sum = 0;
        for (let b = 0; b < RADIX; b++) {
            const c = digits[b];
            digits[b] = sum;
            sum += c;
        }
        const keys = pass < 3 ? low : high;
        const shift = (pass % 3) * 11;
        // The low half is read up to the third pass, the high half up to the last.
        const moveLow = pass < 2 && nextLow !== undefined;
        const moveHigh = pass < 5;
        for (let i = 0; i < n; i++) {
            const to = digits[(keys[i] >>> shift) & DIGIT]++;
            nextOrder[to] = order[i];
            if (moveHigh)
                nextHigh[to] = high[i];
            if (moveLow)
                nextLow[to] = low[i];
        }
        [order, nextOrder] = [nextOrder, order];
        if (moveHigh)
            [high, nextHigh] = [nextHigh, high];
        if (moveLow)
            [low, nextLow] = [nextLow, low];
    }
    // The spare order array holds the group ends: no further array of n words. Runs of equal
    // scores are runs of equal values (-0 === 0, no NaN), the same as of equal keys.
    const ends = nextOrder;
    let groups = 0;
    let previous = values[offset + order[0] * stride];
    for (let i = 1; i < n; i++) {
        const value = values[offset + order[i] * stride];
        if (value !== previous)
            ends[groups++] = i;
        previous = value;
    }
    if (n > 0)
        ends[groups++] = n;
    // Every score distinct (continuous scores): the array itself, not a copy of it beside it.
    return { order, groupEnds: groups === n ? ends : ends.slice(0, groups) };
}
/** Buckets of a radix sort pass: 11-bit digits. */
const RADIX = 2048;
const DIGIT = RADIX - 1;
/**
 * Below this many rows a comparison sort is cheaper than the radix sort's four passes over
 * 65,536 counters: a file of ten thousand classes sorts ten thousand short columns.
 */
const SMALL = 2048;
/** The same order by comparison: descending, ties in row order (as the stable radix sort leaves them). */
function comparedOrder(values, stride, offset, n) {
    const value = (row) => values[offset + row * stride];
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++)
        order[i] = i;
    order.sort((a, b) => value(b) - value(a) || a - b);
    const ends = new Uint32Array(n);
    let groups = 0;
    // -0 === 0: one threshold, as in the radix sort.
    for (let i = 1; i < n; i++)
        if (value(order[i]) !== value(order[i - 1]))
            ends[groups++] = i;
    if (n > 0)
        ends[groups++] = n;
    return { order, groupEnds: ends.slice(0, groups) };
}
/**
 * Most distinct scores the counting sort takes (codes fit 16 bits); with more, the radix sort.
 * Scores often have few distinct values (rounded probabilities, a forest's leaf averages).
 */
const MAX_DISTINCT = 65536;
/** Slots of the counting sort's hash table: a power of two, at most half full. */
const TABLE_SIZE = MAX_DISTINCT * 4;
/**
 * The same order by counting, when the scores take at most MAX_DISTINCT values (undefined
 * otherwise, found out as soon as one more turns up): each row's value numbered through a hash
 * table of the bit patterns, the few values sorted, and the rows placed by their value's
 * start, in row order (stable, as the radix sort). Two passes over the rows where the radix
 * sort makes nine: about 15 ms for a million rows instead of 150.
 */
function countedOrder(values, stride, offset, n, withGroups) {
    const words = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    const mask = TABLE_SIZE - 1;
    const slotHigh = new Uint32Array(TABLE_SIZE);
    const slotLow = new Uint32Array(TABLE_SIZE);
    // The value's number, plus one (0: an empty slot).
    const slotCode = new Uint32Array(TABLE_SIZE);
    const distinct = new Float64Array(MAX_DISTINCT);
    const counts = new Uint32Array(MAX_DISTINCT);
    const codes = new Uint16Array(n);
    let found = 0;
    for (let i = 0; i < n; i++) {
        const at = 2 * (offset + i * stride);
        let h = words[at + hi];
        const l = words[at + lo];
        if (h === 0x80000000 && l === 0)
            h = 0; // -0 is the same threshold as 0
        let slot = (Math.imul(h ^ Math.imul(l, 0x9e3779b1), 0x85ebca6b) >>> 14) & mask;
        let code = slotCode[slot];
        while (code !== 0 && (slotHigh[slot] !== h || slotLow[slot] !== l)) {
            slot = (slot + 1) & mask;
            code = slotCode[slot];
        }
        if (code === 0) {
            if (found === MAX_DISTINCT)
                return undefined;
            distinct[found] = h === 0 && l === 0 ? 0 : values[offset + i * stride];
            code = ++found;
            slotHigh[slot] = h;
            slotLow[slot] = l;
            slotCode[slot] = code;
        }
        codes[i] = code - 1;
        counts[code - 1]++;
    }
    // The distinct values from highest to lowest, and where each one's rows start.
    const ranked = new Uint32Array(found);
    for (let c = 0; c < found; c++)
        ranked[c] = c;
    ranked.sort((a, b) => distinct[b] - distinct[a]);
    const start = new Uint32Array(found);
    const groupEnds = new Uint32Array(found);
    const rankOf = new Uint16Array(found);
    let sum = 0;
    for (let r = 0; r < found; r++) {
        const c = ranked[r];
        start[c] = sum;
        sum += counts[c];
        groupEnds[r] = sum;
        rankOf[c] = r;
    }
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++)
        order[start[codes[i]]++] = i;
    if (!withGroups)
        return { order, groupEnds };
    for (let i = 0; i < n; i++)
        codes[i] = rankOf[codes[i]];
    return { order, groupEnds, groups: codes };
}

;// CONCATENATED MODULE: ./shared/metrics/compute.ts
/**
 * The metric suite: point metrics of a prediction set, named as scikit-learn names them
 * (its scorer names without the `neg_` sign flip; per-class values as `precision.<class>`),
 * computed as scikit-learn 1.2 computes them. test/fixtures/metrics/make_fixtures.py holds the
 * reference values this is checked against.
 *
 * A set is prepared once (orders by score, per-row losses); then `evaluate(weights)` computes
 * every metric under any row weights in a few passes, which is how a bootstrap resample (row
 * weights = how often each row was drawn) costs little more than one evaluation, and no sort.
 */






/** The metrics of a regression, in report order. */
const REGRESSION_METRICS = [
    'mae',
    'mse',
    'rmse',
    'r2',
    'mape',
    'median_absolute_error',
    'explained_variance',
    'mean_squared_log_error',
    'max_error',
    'd2_absolute_error_score',
];
/**
 * Every metric a task defines (besides per-class values): each is either in a report or
 * listed under its `skipped`, with the reason. `scored`: the probability metrics too.
 */
function taskMetrics(task) {
    if (task === 'regression')
        return { point: REGRESSION_METRICS, probability: [] };
    const averaged = ['precision', 'recall', 'f1'].flatMap((m) => [`${m}_macro`, `${m}_weighted`]);
    const point = [
        'accuracy',
        'balanced_accuracy',
        ...(task === 'binary' ? ['precision', 'recall', 'f1'] : []),
        ...averaged,
        'matthews_corrcoef',
    ];
    const probability = task === 'binary'
        ? ['log_loss', 'brier_score', 'roc_auc', 'average_precision']
        : ['log_loss', 'roc_auc_ovr', 'roc_auc_ovr_weighted', 'average_precision'];
    return { point, probability };
}
/** scikit-learn's words when ROC AUC has rows of one class only. */
const ONE_CLASS_ROC_AUC = 'Only one class present in y_true. ROC AUC score is not defined in that case.';
/**
 * Most classes whose per-class values (`precision.<class>`, …) and confusion matrix row and
 * column a report holds: beyond a few dozen the matrix is unreadable and, at 10,000 classes,
 * too large to write (the averages still cover every class).
 */
const MAX_REPORTED_CLASSES = 50;
/** Orders class names as scikit-learn orders labels: numerically when they all are numbers. */
function sortClasses(classes) {
    const list = [...new Set(classes)];
    const numeric = list.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
    return numeric
        ? list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0))
        : list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
function prepareMetrics(set) {
    return set.task === 'regression' ? prepareRegression(set) : prepareClassification(set);
}
/**
 * The shared frame of a prepared set: rows are held in an internal order (`held[j]` is the
 * original row at position j; null: the file's order) chosen so that the costliest walk is
 * sequential; `evaluateHeld` takes weights in that order. `drawsWeights`: given a resample's
 * key, `evaluateHeld` draws every row's weight itself (times its sample weight), so a resample
 * needs no array of weights.
 */
function prepared(rows, held, sampleWeights, names, evaluateHeld, drawsWeights = false) {
    // Both made on first need: a classification's resamples use neither.
    let heldWeights = null;
    let ownBuffer;
    const memo = rows <= MEMO_ROWS ? new Map() : undefined;
    return {
        rows,
        names,
        evaluate(weights) {
            const out = new Float64Array(names.length);
            evaluateHeld(weights && gather(weights, held), out);
            const metrics = {};
            names.forEach((name, slot) => {
                if (!Number.isNaN(out[slot]))
                    metrics[name] = out[slot];
            });
            return metrics;
        },
        resample(random, given, out) {
            const key = random.nextUint32();
            if (drawsWeights && memo === undefined) {
                evaluateHeld(null, out, key);
                return;
            }
            const buffer = given ?? (ownBuffer ??= new Float64Array(rows));
            if (heldWeights === null)
                heldWeights = sampleWeights && gather(sampleWeights, held);
            for (let j = 0; j < rows; j++)
                buffer[j] =
                    poissonAt(key, held === null ? j : held[j]) * (heldWeights ? heldWeights[j] : 1);
            // A handful of rows has few distinct weightings, and the metrics are a function of the
            // weights: each is computed once (a thousand resamples of a tiny file then start fast).
            const seen = memo && buffer.join(',');
            const known = seen === undefined ? undefined : memo.get(seen);
            if (known) {
                out.set(known);
                return;
            }
            evaluateHeld(buffer, out, key);
            if (seen !== undefined)
                memo.set(seen, out.slice());
        },
    };
}
/** Sets up to this many rows remember the metrics of each distinct resample weighting. */
const MEMO_ROWS = 16;
/** Metric names and their slots in an output array, fixed when a set is prepared. */
class Slots {
    names = [];
    /** The slot of a metric this set reports; -1 for one it cannot (`when` false). */
    add(name, when = true) {
        if (!when)
            return -1;
        this.names.push(name);
        return this.names.length - 1;
    }
}
/** Writes a value to its slot: undefined and skipped slots as scikit-learn leaves them out. */
function put(out, slot, value) {
    if (slot !== -1)
        out[slot] = value ?? Number.NaN;
}
/** Class codes (0 … k − 1) in held order, as bytes when k ≤ 256. */
function classCodes(codes, held, k) {
    if (k > 256 || codes instanceof Uint8Array)
        return gather(codes, held);
    const out = new Uint8Array(codes.length);
    for (let j = 0; j < codes.length; j++)
        out[j] = codes[held === null ? j : held[j]];
    return out;
}
function gather(values, held, width = 1) {
    if (held === null)
        return values;
    const out = new values.constructor(held.length * width);
    for (let j = 0; j < held.length; j++)
        for (let c = 0; c < width; c++)
            out[j * width + c] = values[held[j] * width + c];
    return out;
}
function prepareRegression(set) {
    const n = set.labels.length;
    const errors = new Float64Array(n);
    for (let i = 0; i < n; i++)
        errors[i] = Math.abs(set.predictions[i] - set.labels[i]);
    // Held by descending absolute error: the median is then a walk, not a sort, per resample.
    const { order } = descendingOrder(errors);
    const labels = gather(set.labels, order);
    // The labels' ascending order in held positions, for the median of the labels (d2).
    const labelOrder = descendingOrder(labels).order.reverse();
    const rows = regressionRows(labels, gather(set.predictions, order), gather(errors, order), labelOrder);
    const names = REGRESSION_METRICS;
    // Weights without sample weights are bootstrap repeat counts: their median is that of the rows repeated.
    const frame = prepared(n, order, set.weights, names, (weights, out) => {
        const metrics = regressionMetrics(rows, weights, weights !== null && !set.weights);
        names.forEach((name, slot) => put(out, slot, metrics?.[name]));
    });
    const residuals = residualQuantiles(set.labels, set.predictions, set.weights);
    return {
        ...frame,
        ...(residuals ? { residuals } : {}),
        why: (name) => name === 'mean_squared_log_error' || name === 'r2' || name === 'd2_absolute_error_score'
            ? REGRESSION_REASONS[name]
            : undefined,
    };
}
function prepareClassification(set) {
    const n = set.labels.length;
    const k = set.classes.length;
    const binary = set.task === 'binary';
    const scoreClasses = binary ? [set.positive] : (set.scoreClasses ?? []);
    const width = scoreClasses.length;
    // The true label's column among the scores (-1: not a scored class).
    const scoreColumn = new Map(scoreClasses.map((c, column) => [c, column]));
    const columnOf = set.classes.map((c) => scoreColumn.get(c) ?? -1);
    // Held in the order of the first score column, so that its ranking walk is sequential.
    // The radix sort's keys, made once for every column, become the per-row losses below.
    const scratch = {};
    const orders = set.scores
        ? scoreClasses.map((_, c) => descendingOrder(set.scores, width, c, c > 0 && !set.weights, scratch))
        : [];
    const held = orders[0]?.order ?? null;
    // Class codes in held order: a byte each when the classes fit one (a binary task holds two
    // arrays of a byte a row, not of four).
    const labels = classCodes(set.labels, held, k);
    const predictions = classCodes(set.predictions, held, k);
    // The scores are read through `held`, not copied into held order: they are only read here.
    const scores = set.scores;
    let rowLogLoss;
    let rowBrier;
    const columns = [];
    if (scores) {
        // Every entry is written below, so the sort's spent keys (16 bytes a row) serve as they are.
        const spent = scratch.words?.buffer;
        const losses = (at) => spent && spent.byteLength >= (at + 1) * 8 * n
            ? new Float64Array(spent, at * 8 * n, n)
            : new Float64Array(n);
        rowLogLoss = losses(0);
        const brier = binary ? losses(1) : undefined;
        rowBrier = brier;
        for (let j = 0; j < n; j++) {
            const column = columnOf[labels[j]];
            if (brier) {
                const p = scores[held[j]];
                rowLogLoss[j] = binaryRowLogLoss(p, column === 0);
                brier[j] = ((column === 0 ? 1 : 0) - p) ** 2;
            }
            else {
                rowLogLoss[j] = multiclassRowLogLoss(scores, held[j] * width, width, column);
            }
        }
        // Each column's ranking, in held positions; the first column's is the held order itself.
        // Only the other columns need it (one fewer array of n words for a binary task).
        const positionOf = new Uint32Array(orders.length > 1 ? n : 0);
        if (orders.length > 1)
            for (let j = 0; j < n; j++)
                positionOf[held[j]] = j;
        const fileLabels = set.labels;
        orders.forEach((order, c) => {
            const fileRows = order.order;
            const positive = new Uint8Array(n);
            for (let r = 0; r < n; r++)
                positive[r] = columnOf[fileLabels[fileRows[r]]] === c ? 1 : 0;
            // The first column is walked in the held pass, which has its own sample weights.
            const sampleWeights = c > 0 && set.weights ? gather(set.weights, fileRows) : undefined;
            // The other columns' file rows become held positions in place (no further array of n words).
            if (c > 0)
                for (let r = 0; r < n; r++)
                    fileRows[r] = positionOf[fileRows[r]];
            columns.push({
                groupEnds: order.groupEnds,
                positive,
                rows: c > 0 ? fileRows : null,
                sampleWeights,
            });
        });
    }
    const positiveIndex = binary ? set.classes.indexOf(set.positive) : -1;
    // Per-class values and the matrix cover the classes with the most rows, so that the report stays readable.
    const { shown, matrix } = cappedConfusion(set.classes, set.labels, set.predictions, set.weights ?? null, MAX_REPORTED_CLASSES);
    const slots = new Slots();
    const at = confusionSlots(slots, set.classes, shown, binary);
    const scored = scores !== undefined;
    const logLossSlot = slots.add('log_loss', scored && (width >= 2 || binary));
    const brierSlot = slots.add('brier_score', scored && binary);
    const rocAucSlot = slots.add('roc_auc', scored && binary);
    const rocAucOvrSlot = slots.add('roc_auc_ovr', scored && !binary);
    const rocAucOvrWeightedSlot = slots.add('roc_auc_ovr_weighted', scored && !binary);
    const averagePrecisionSlot = slots.add('average_precision', scored);
    const grouped = groupedWalks(orders.slice(1).map((order) => order.groups), held, labels, Int32Array.from(columnOf));
    const heldWeights = set.weights && gather(set.weights, held);
    const pass = heldPass({
        n,
        labels,
        predictions,
        held,
        heldWeights,
        tallies: emptyTallies(k),
        // A resample's Poisson counts, for the other score columns' walks (made on first need).
        drawnFor: columns.length > 1,
        rowLogLoss,
        rowBrier,
        first: columns[0],
    });
    const evaluateHeld = (weights, out, resampleKey) => {
        out.fill(Number.NaN);
        const sums = pass(weights, resampleKey ?? -1);
        const tallies = sums.tallies;
        if (tallies.total === 0)
            return;
        confusionMetrics(tallies, at, out, positiveIndex, binary);
        if (rowLogLoss) {
            // log_loss needs two classes among the labels it is given (scikit-learn's `labels`).
            put(out, logLossSlot, sums.logLoss / tallies.total);
            put(out, brierSlot, sums.brier / tallies.total);
            // The first column was walked in the pass (it is the held order); the others walk their
            // own orders, reading a resample's weights as the pass drew them.
            const walked = sums.drawn && grouped ? grouped(sums.drawn) : [];
            const ranked = columns.map((column, c) => c === 0
                ? sums.firstRanking
                : (walked[c - 1] ??
                    rankingMetrics(column, sums.drawn ? { drawn: sums.drawn } : { array: weights })));
            if (binary) {
                put(out, rocAucSlot, ranked[0].rocAuc);
                put(out, averagePrecisionSlot, ranked[0].averagePrecision);
            }
            else {
                // One-vs-rest over the scored classes; like scikit-learn, undefined when a class is absent.
                const all = ranked.every((r) => r.rocAuc !== undefined);
                const support = ranked.reduce((sum, r) => sum + r.positives, 0);
                put(out, rocAucOvrSlot, all ? ranked.reduce((sum, r) => sum + r.rocAuc, 0) / ranked.length : undefined);
                put(out, rocAucOvrWeightedSlot, all ? ranked.reduce((sum, r) => sum + r.rocAuc * r.positives, 0) / support : undefined);
                put(out, averagePrecisionSlot, ranked.every((r) => r.averagePrecision !== undefined)
                    ? ranked.reduce((sum, r) => sum + r.averagePrecision, 0) / ranked.length
                    : undefined);
            }
        }
    };
    // Why a probability metric is undefined: a scored class that no row has, or that every row has.
    // Tallied now, not when asked: a closure over the set would keep its arrays alive through the
    // bootstrap, which is where an evaluation's memory peaks.
    const support = new Float64Array(width);
    let total = 0;
    for (let i = 0; i < n; i++) {
        const w = set.weights ? set.weights[i] : 1;
        const column = columnOf[set.labels[i]];
        if (column !== -1)
            support[column] += w;
        total += w;
    }
    const why = (name) => {
        if (name === 'roc_auc')
            return ONE_CLASS_ROC_AUC;
        if (name !== 'roc_auc_ovr' && name !== 'roc_auc_ovr_weighted')
            return undefined;
        const c = support.findIndex((s) => s === 0 || s === total);
        if (c === -1)
            return ONE_CLASS_ROC_AUC;
        return `${ONE_CLASS_ROC_AUC} (one-vs-rest for class ${(0,identifiers/* quoteValue */.cl)(scoreClasses[c])}, which ${support[c] === 0 ? 'no row has' : 'every row has'} as its label)`;
    };
    const shownNames = shown.map((c) => set.classes[c]);
    return {
        ...prepared(n, held, set.weights, slots.names, evaluateHeld, true),
        why,
        confusion: {
            classes: shownNames,
            matrix,
            ...(shown.length < k ? { totalClasses: k } : {}),
        },
    };
}
function confusionSlots(slots, classes, shown, binary) {
    const accuracySlot = slots.add('accuracy');
    const balancedAccuracy = slots.add('balanced_accuracy');
    const own = [
        slots.add('precision', binary),
        slots.add('recall', binary),
        slots.add('f1', binary),
    ];
    const macro = [-1, -1, -1];
    const weighted = [-1, -1, -1];
    ['precision', 'recall', 'f1'].forEach((key, m) => {
        macro[m] = slots.add(`${key}_macro`);
        weighted[m] = slots.add(`${key}_weighted`);
    });
    const matthews = slots.add('matthews_corrcoef');
    const perClass = classes.map(() => [-1, -1, -1]);
    for (const c of shown)
        perClass[c] = [
            slots.add(`precision.${classes[c]}`),
            slots.add(`recall.${classes[c]}`),
            slots.add(`f1.${classes[c]}`),
        ];
    return { accuracy: accuracySlot, balancedAccuracy, own, macro, weighted, matthews, perClass };
}
const KEYS = ['precision', 'recall', 'f1'];
function confusionMetrics(tallies, at, out, positiveIndex, binary) {
    const per = perClass(tallies);
    put(out, at.accuracy, accuracy(tallies));
    put(out, at.balancedAccuracy, balancedAccuracy(per));
    for (let m = 0; m < 3; m++) {
        const key = KEYS[m];
        // average="binary": the positive class's own values (0 when it never occurs).
        if (binary)
            put(out, at.own[m], per[positiveIndex]?.[key] ?? 0);
        put(out, at.macro[m], macroAverage(per, key));
        put(out, at.weighted[m], weightedAverage(per, key));
    }
    put(out, at.matthews, matthewsCorrcoef(tallies));
    for (let c = 0; c < per.length; c++)
        for (let m = 0; m < 3; m++)
            put(out, at.perClass[c][m], per[c][KEYS[m]]);
}
/** Most classes whose confusion matrix a pass tallies in cells (k² of them). */
const MAX_CELL_CLASSES = 16;
function emptyTallies(k) {
    const zeros = () => new Float64Array(k);
    return { k, support: zeros(), predicted: zeros(), truePositive: zeros(), total: 0 };
}
/**
 * One pass down the held rows under `weights` (null: all ones) or, given a resample's key
 * (not -1), under Poisson(1) weights drawn on the way (times the sample weights): the class
 * tallies, the weighted sums of the per-row log loss and Brier score, and the first score
 * column's ranking walk. One pass rather than one per metric: at a million rows a resample is
 * bound by the walks over memory, and every weight is drawn once. Each sum adds the rows in
 * held order, as the separate passes did, so the values are the same to the last bit.
 */
function heldPass(rows) {
    const { n, labels, predictions, held, heldWeights, tallies, rowLogLoss, rowBrier, first } = rows;
    let kept;
    const k = tallies.k;
    const cells = k <= MAX_CELL_CLASSES ? new Int32Array(k * k) : undefined;
    const { support, predicted, truePositive } = tallies;
    const ends = first?.groupEnds ?? new Uint32Array(0);
    const positive = first?.positive ?? new Uint8Array(0);
    const passRows = (weights, key) => {
        const drawn = key !== -1 && rows.drawnFor ? (kept ??= new Uint8Array(n)) : undefined;
        support.fill(0);
        predicted.fill(0);
        truePositive.fill(0);
        // Whole-number weights (counts, or ones) over few classes are tallied in integer cells of
        // the confusion matrix: one store a row instead of three, and exact in any order.
        const whole = key !== -1 ? heldWeights === undefined : weights === null;
        const integral = cells !== undefined && whole;
        if (integral)
            cells.fill(0);
        // Continuous scores (a run per row) under whole-number weights: the first column's walk as
        // distinctDrawnWalk (ranking.ts) does it, branching only on a positive row with a weight.
        const countWalk = whole && first !== undefined && ends.length === n;
        let above = 0;
        let total = 0;
        let logLoss = 0;
        let brier = 0;
        // The open run of tied scores in the first column: where it ends, and its sums.
        let group = 0;
        let end = ends.length > 0 ? ends[0] : -1;
        let groupPositive = 0;
        let groupAll = 0;
        // The first column's walk (RankingWalk.group written out: in locals, it is twice as fast).
        let truePositives = 0;
        let falsePositives = 0;
        let area = 0;
        let precisionSum = 0;
        for (let j = 0; j < n; j++) {
            let w;
            let count = 1;
            if (key !== -1) {
                count = poissonAt(key, held === null ? j : held[j]);
                if (drawn !== undefined)
                    drawn[j] = count;
                w = count * (heldWeights ? heldWeights[j] : 1);
            }
            else {
                w = weights === null ? 1 : weights[j];
            }
            const t = labels[j];
            const p = predictions[j];
            if (integral) {
                cells[t * k + p] += count;
            }
            else {
                support[t] += w;
                predicted[p] += w;
                if (t === p)
                    truePositive[t] += w;
            }
            total += w;
            if (rowLogLoss !== undefined) {
                logLoss += w * rowLogLoss[j];
                if (rowBrier !== undefined)
                    brier += w * rowBrier[j];
                if (countWalk) {
                    const own = positive[j];
                    falsePositives += w - w * own;
                    if (own === 1 && w > 0) {
                        truePositives += w;
                        above += w * falsePositives;
                        precisionSum += w * (truePositives / (truePositives + falsePositives));
                    }
                    continue;
                }
                // w·1 and w·0 are exact, so this equals summing by branch, without the mispredictions.
                groupPositive += w * positive[j];
                groupAll += w;
                if (j + 1 === end) {
                    const negatives = groupAll - groupPositive;
                    const before = truePositives;
                    truePositives += groupPositive;
                    falsePositives += negatives;
                    area += (negatives * (before + truePositives)) / 2;
                    if (groupPositive > 0)
                        precisionSum += groupPositive * (truePositives / (truePositives + falsePositives));
                    groupPositive = 0;
                    groupAll = 0;
                    end = ends[++group] ?? -1;
                }
            }
        }
        if (integral)
            for (let t = 0; t < k; t++)
                for (let p = 0; p < k; p++) {
                    const v = cells[t * k + p];
                    support[t] += v;
                    predicted[p] += v;
                    if (t === p)
                        truePositive[t] += v;
                }
        tallies.total = total;
        if (countWalk)
            area = truePositives * falsePositives - above;
        return {
            tallies,
            logLoss,
            brier,
            firstRanking: first === undefined
                ? undefined
                : walkResult(truePositives, falsePositives, area, precisionSum),
            drawn,
        };
    };
    return passRows;
}
/**
 * The ranking walks of a resample over the score columns after the first whose thresholds are
 * few (`groups`, per file row, from the counting sort): a sequential pass down the held rows
 * per column tallies each row's Poisson count into its threshold, then the column walks its
 * thresholds in order, where following the column's own order would read the counts at
 * random (a third of the time, measured). Counts only (no sample weights, which have none of their own):
 * sums of whole numbers are exact in any order, so the values equal the ordered walk's.
 * Returns, per column after the first, its metrics (undefined: walk it in order); undefined
 * when no column qualifies.
 */
function groupedWalks(groups, held, labels, columnOf) {
    if (held === null || groups.every((g) => g === undefined))
        return undefined;
    const n = held.length;
    const columns = groups.flatMap((perRow, m) => {
        if (perRow === undefined)
            return [];
        // Each row's threshold in this column, in held order; the number of thresholds.
        const code = new Uint16Array(n);
        let most = 0;
        for (let j = 0; j < n; j++) {
            const g = perRow[held[j]];
            code[j] = g;
            if (g > most)
                most = g;
        }
        // Per class, 1 when its rows are this column's positives (score column m + 1).
        const own = Uint8Array.from(columnOf, (column) => (column === m + 1 ? 1 : 0));
        // Counts per threshold in integers: whole numbers, so exact, and integer adds are cheaper.
        return [{ m, code, own, all: new Int32Array(most + 1), positive: new Int32Array(most + 1) }];
    });
    const walkGroups = (drawn) => {
        const out = groups.map(() => undefined);
        for (const { m, code, own, all, positive } of columns) {
            all.fill(0);
            positive.fill(0);
            tallyThresholds(code, own, labels, drawn, all, positive);
            const walk = new RankingWalk();
            for (let g = 0; g < all.length; g++)
                walk.group(positive[g], all[g]);
            out[m] = walk.result();
        }
        return out;
    };
    return walkGroups;
}
/**
 * Adds each row's count to its threshold's total and, when its class is the column's, to its
 * positives. Two rows a step: each step's adds are independent of each other, which more than
 * halves the time a million rows take (measured).
 */
function tallyThresholds(code, own, labels, drawn, all, positive) {
    const n = code.length;
    const even = n - (n % 2);
    for (let j = 0; j < even; j += 2) {
        const w0 = drawn[j];
        const w1 = drawn[j + 1];
        const g0 = code[j];
        const g1 = code[j + 1];
        all[g0] += w0;
        all[g1] += w1;
        positive[g0] += w0 * own[labels[j]];
        positive[g1] += w1 * own[labels[j + 1]];
    }
    if (even < n) {
        all[code[even]] += drawn[even];
        positive[code[even]] += drawn[even] * own[labels[even]];
    }
}

;// CONCATENATED MODULE: ./shared/metrics/direction.ts
/** The suite's metrics that are better when lower; its other metrics are better when higher. */
const LOWER_IS_BETTER = new Set([
    'log_loss',
    'brier_score',
    'mae',
    'mse',
    'rmse',
    'mape',
    'median_absolute_error',
    'mean_squared_log_error',
    'max_error',
]);
const HIGHER_IS_BETTER = new Set([
    'accuracy',
    'balanced_accuracy',
    'precision',
    'recall',
    'f1',
    'precision_macro',
    'precision_weighted',
    'recall_macro',
    'recall_weighted',
    'f1_macro',
    'f1_weighted',
    'matthews_corrcoef',
    'roc_auc',
    'roc_auc_ovr',
    'roc_auc_ovr_weighted',
    'average_precision',
    'r2',
    'explained_variance',
    'd2_absolute_error_score',
]);
/** Words in a metric's name that say which way it is better. */
const LOWER_WORDS = new Set([
    'loss',
    'error',
    'errors',
    'err',
    'latency',
    'ms',
    'seconds',
    'duration',
    'time',
    'cost',
    'rmse',
    'mae',
    'mse',
    'mape',
    'ece',
    'brier',
    'perplexity',
    'wer',
    'cer',
]);
const HIGHER_WORDS = new Set([
    'accuracy',
    'acc',
    'auc',
    'f1',
    'precision',
    'recall',
    'r2',
    'ndcg',
    'map',
    'mrr',
    'bleu',
    'rouge',
    'iou',
    'dice',
    'score',
]);
/** True for the suite's metrics that are better when lower (evaluate-model's slice summary). */
function lowerIsBetter(metric) {
    return LOWER_IS_BETTER.has(metric);
}
/**
 * The better direction of a metric by its name: the suite's metrics and their per-class values
 * (`recall.<class>`) exactly, other names by their words; undefined when the name does not say.
 */
function metricDirection(metric) {
    for (const name of [metric, metric.split('.')[0]]) {
        if (LOWER_IS_BETTER.has(name))
            return 'lower';
        if (HIGHER_IS_BETTER.has(name))
            return 'higher';
    }
    const words = metric.toLowerCase().split(/[^a-z0-9]+/);
    const lower = words.some((word) => LOWER_WORDS.has(word));
    const higher = words.some((word) => HIGHER_WORDS.has(word));
    return lower === higher ? undefined : lower ? 'lower' : 'higher';
}

;// CONCATENATED MODULE: ./shared/metrics/fairness-report.ts
/**
 * The `fairness` section of the metrics report: per sensitive attribute, each group's rows and
 * rates, and the disparity measures between groups as fairlearn names them
 * (fairlearn/metrics/_fairness_metrics.py). evaluate-model writes it (fairness.ts); the gates,
 * the comment, the manifest and the registry read it. The full table stays in the report;
 * anything published merges the small groups (publishableGroups).
 */

/** The group of rows whose sensitive value is missing (empty cell, NA, null). */
const MISSING_GROUP = '(missing)';
/** How an intersection's values are joined into one group name, in column order. */
const INTERSECTION_SEPARATOR = ', ';
const interval = schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]);
const groupMetric = schemas/* object */.Ikc({ value: schemas/* number */.aig(), ci: interval.optional() });
const fairnessGroupSchema = schemas/* object */.Ikc({
    rows: schemas/* number */.aig().int().nonnegative(),
    weight: schemas/* number */.aig().nonnegative(),
    /** rows < minGroupSize: reported, left out of the measures. */
    small: schemas/* boolean */.zMY(),
    /** Binary: the weighted share of positive labels. */
    baseRate: schemas/* number */.aig().nullable().optional(),
    /** Binary: the weighted share predicted positive. */
    selectionRate: schemas/* number */.aig().nullable().optional(),
    /** null = undefined (the group has no positive labels), never 0. */
    truePositiveRate: schemas/* number */.aig().nullable().optional(),
    /** null = undefined (the group has no negative labels). */
    falsePositiveRate: schemas/* number */.aig().nullable().optional(),
    /** Regression: the weighted mean prediction. */
    meanPrediction: schemas/* number */.aig().optional(),
    /** The task's headline metrics on the group's rows. */
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), groupMetric),
});
const fairnessMeasureSchema = schemas/* object */.Ikc({
    /** null when fewer than two groups qualify. */
    value: schemas/* number */.aig().nullable(),
    /** From the same seeded bootstrap as every metric, resampled within each group. */
    ci: interval.optional(),
    /** The group at the disadvantaged end (lowest selection rate, ...). */
    worstGroup: schemas/* string */.YjP().optional(),
    bestGroup: schemas/* string */.YjP().optional(),
    /** The groups the measure compared. */
    groups: schemas/* array */.YOg(schemas/* string */.YjP()),
});
const fairnessAttributeSchema = schemas/* object */.Ikc({
    /** ["sex"], or ["sex", "age_band"] for an intersection. */
    columns: schemas/* array */.YOg(schemas/* string */.YjP()).min(1),
    minGroupSize: schemas/* number */.aig().int().nonnegative(),
    /** The evaluation data fingerprint (the report's evaluation.dataSha256). */
    dataSha256: schemas/* string */.YjP(),
    groups: schemas/* record */.g1P(schemas/* string */.YjP(), fairnessGroupSchema),
    /**
     * Binary: demographic_parity_difference / _ratio, equalized_odds_difference / _ratio,
     * equal_opportunity_difference / _ratio. Multiclass: the same one-vs-rest, keyed
     * "<measure>[<class>]". Regression: mean_prediction_difference and "<metric>_difference".
     */
    measures: schemas/* record */.g1P(schemas/* string */.YjP(), fairnessMeasureSchema),
    notes: schemas/* array */.YOg(schemas/* string */.YjP()),
});
/** Keyed by attribute as the user wrote it: "sex", or "sex,age_band" for an intersection. */
const fairnessReportSchema = schemas/* record */.g1P(schemas/* string */.YjP(), fairnessAttributeSchema);
/** The name of the merged line of groups under the minimum size. */
function otherGroupName(minGroupSize) {
    return `other (fewer than ${minGroupSize} rows each)`;
}
/**
 * The groups as anything published (job summary, pull-request comment, Release notes) may show
 * them: groups are data about people, so those under min-group-size (whose rates could point at
 * a few individuals) are merged into one "other (fewer than k rows each)" line that carries only
 * their total rows and weight, never their rates. Largest groups first.
 */
function publishableGroups(attribute) {
    const lines = [];
    let smallRows = 0;
    let smallWeight = 0;
    let smallCount = 0;
    for (const [name, group] of Object.entries(attribute.groups)) {
        if (group.small) {
            smallRows += group.rows;
            smallWeight += group.weight;
            smallCount += 1;
            continue;
        }
        lines.push({
            name,
            rows: group.rows,
            weight: group.weight,
            groups: 1,
            merged: false,
            ...(group.baseRate !== undefined ? { baseRate: group.baseRate } : {}),
            ...(group.selectionRate !== undefined ? { selectionRate: group.selectionRate } : {}),
            ...(group.truePositiveRate !== undefined ? { truePositiveRate: group.truePositiveRate } : {}),
            ...(group.falsePositiveRate !== undefined
                ? { falsePositiveRate: group.falsePositiveRate }
                : {}),
            ...(group.meanPrediction !== undefined ? { meanPrediction: group.meanPrediction } : {}),
        });
    }
    lines.sort((a, b) => b.rows - a.rows || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    if (smallCount > 0)
        lines.push({
            name: otherGroupName(attribute.minGroupSize),
            rows: smallRows,
            weight: smallWeight,
            groups: smallCount,
            merged: true,
        });
    return lines;
}

;// CONCATENATED MODULE: ./shared/metrics/fairness-groups.ts
/**
 * Groups of rows for the fairness evaluation, in typed arrays: each attribute's group per row
 * (an intersection's groups are the combinations of its columns' values that occur), and the
 * cells every attribute's tallies are summed from. A cell is one combination of every
 * attribute's group and (classification) the true and the predicted class: rows of one cell
 * are alike to every rate and measure, so a pass over the rows adds each row's weight to its
 * cell once, whatever the number of attributes, and the attributes' tallies are then summed
 * over the cells (a few hundred, not a million). This is what keeps a bootstrap resample of
 * four attributes at one add a row.
 */



/** Most groups an intersection may have: each is a row of every table and a term of every resample. */
const MAX_INTERSECTION_GROUPS = 1000;
/** Dense ids for the keys `key(i)` of n rows, where keys are below `range`; the first id is 0. */
class Densifier {
    table;
    map;
    /** Per id, its key. */
    keys = [];
    constructor(range) {
        // A table while it is small; a map past it (a key range of a billion is possible).
        if (range <= 1 << 22)
            this.table = new Int32Array(range).fill(-1);
        else
            this.map = new Map();
    }
    id(key) {
        if (this.table) {
            let id = this.table[key];
            if (id === -1) {
                id = this.keys.length;
                this.table[key] = id;
                this.keys.push(key);
            }
            return id;
        }
        let id = this.map.get(key);
        if (id === undefined) {
            id = this.keys.length;
            this.map.set(key, id);
            this.keys.push(key);
        }
        return id;
    }
}
/**
 * One attribute's groups: a column's values as they are, or the combinations of several
 * columns' values that occur (in order of first appearance).
 */
function attributeGroups(attribute, columns, rows, path) {
    const first = columns[0];
    if (columns.length === 1)
        return {
            names: [...first.values],
            index: first.index,
            rows: countRows(first.index, first.values.length),
        };
    const index = Int32Array.from(first.index.subarray(0, rows));
    let count = first.values.length;
    // Per id at each step, the previous step's id and this column's value.
    const steps = [];
    for (const column of columns.slice(1)) {
        const width = column.values.length;
        const ids = new Densifier(count * width);
        for (let i = 0; i < rows; i++)
            index[i] = ids.id(index[i] * width + column.index[i]);
        count = ids.keys.length;
        steps.push({ keys: ids.keys, width });
    }
    if (count > MAX_INTERSECTION_GROUPS)
        throw new errors/* UserError */.yo(`The sensitive feature ${(0,identifiers/* quoteValue */.cl)(attribute)} of "${path}" makes ${count} groups (combinations of ${columns.map((c) => (0,identifiers/* quoteValue */.cl)(c.column)).join(', ')} that occur), more than ${MAX_INTERSECTION_GROUPS}: most would be too small to compare. Intersect fewer columns, or bin them into fewer values.`);
    const names = [];
    for (let id = 0; id < count; id++) {
        const parts = [];
        let at = id;
        for (let s = steps.length - 1; s >= 0; s--) {
            const key = steps[s].keys[at];
            parts.push(columns[s + 1].values[key % steps[s].width]);
            at = Math.floor(key / steps[s].width);
        }
        parts.push(first.values[at]);
        names.push(parts.reverse().join(INTERSECTION_SEPARATOR));
    }
    return { names, index, rows: countRows(index, count) };
}
function countRows(index, groups) {
    const rows = new Float64Array(groups);
    for (let i = 0; i < index.length; i++)
        rows[index[i]] += 1;
    return rows;
}
/**
 * The cells of n rows: `base` (per row, a code below `baseRange`, or null for none) combined
 * with every attribute's group.
 */
function cellsOf(attributes, base, baseRange, rows) {
    const of = new Int32Array(rows);
    if (base)
        for (let i = 0; i < rows; i++)
            of[i] = base(i);
    let count = base ? baseRange : 1;
    const steps = [];
    for (const attribute of attributes) {
        const width = attribute.names.length;
        const ids = new Densifier(count * width);
        const index = attribute.index;
        for (let i = 0; i < rows; i++)
            of[i] = ids.id(of[i] * width + index[i]);
        count = ids.keys.length;
        steps.push(ids.keys);
    }
    const group = attributes.map(() => new Int32Array(count));
    const baseOf = new Int32Array(count);
    for (let cell = 0; cell < count; cell++) {
        let at = cell;
        for (let a = attributes.length - 1; a >= 0; a--) {
            const width = attributes[a].names.length;
            const key = steps[a][at];
            group[a][cell] = key % width;
            at = Math.floor(key / width);
        }
        baseOf[cell] = at;
    }
    return { count, of, group, base: baseOf };
}

;// CONCATENATED MODULE: ./shared/metrics/fairness-measures.ts
/** Values summed per cell: classification the weight; regression the six sums below. */
const REGRESSION_SUMS = 6;
function fairness_measures_emptyTallies(task, groups, k) {
    if (task === 'regression')
        return { task, groups, sums: new Float64Array(groups * REGRESSION_SUMS) };
    return {
        task,
        groups,
        k,
        total: new Float64Array(groups),
        support: new Float64Array(groups * k),
        predicted: new Float64Array(groups * k),
        truePositive: new Float64Array(groups * k),
        labelled: new Int32Array(groups),
    };
}
/** Sums cell totals into one attribute's group tallies (reset first). */
function tallyGroups(tallies, cells, attribute, cellSums) {
    const group = cells.group[attribute];
    if (tallies.task === 'regression') {
        const { sums } = tallies;
        sums.fill(0);
        for (let u = 0; u < cells.count; u++) {
            const at = group[u] * REGRESSION_SUMS;
            for (let s = 0; s < REGRESSION_SUMS; s++)
                sums[at + s] += cellSums[u * REGRESSION_SUMS + s];
        }
        return;
    }
    const { k, total, support, predicted, truePositive, labelled } = tallies;
    total.fill(0);
    support.fill(0);
    predicted.fill(0);
    truePositive.fill(0);
    labelled.fill(0);
    for (let u = 0; u < cells.count; u++) {
        const w = cellSums[u];
        const g = group[u];
        const t = Math.floor(cells.base[u] / k);
        const p = cells.base[u] % k;
        total[g] += w;
        support[g * k + t] += w;
        predicted[g * k + p] += w;
        if (t === p)
            truePositive[g * k + t] += w;
    }
    for (let g = 0; g < tallies.groups; g++)
        for (let c = 0; c < k; c++)
            if (support[g * k + c] > 0)
                labelled[g] += 1;
}
function ratesOf(t, g, c, out) {
    const total = t.total[g];
    const at = g * t.k + c;
    const positives = c < 0 ? 0 : t.support[at];
    const predicted = c < 0 ? 0 : t.predicted[at];
    const truePositive = c < 0 ? 0 : t.truePositive[at];
    // Negatives exist when another class has support; their weight is the rest of the total.
    const hasNegatives = t.labelled[g] - (positives > 0 ? 1 : 0) > 0;
    out.base = total > 0 ? positives / total : Number.NaN;
    out.selection = total > 0 ? predicted / total : Number.NaN;
    out.truePositive = positives > 0 ? truePositive / positives : Number.NaN;
    out.falsePositive = hasNegatives
        ? Math.max(0, predicted - truePositive) / (total - positives)
        : Number.NaN;
    return out;
}
/** The task's headline metrics per group (those the starting gate policy gates: shared/init/policy.ts). */
function groupMetricNames(task) {
    if (task === 'binary')
        return ['accuracy', 'f1'];
    if (task === 'multiclass')
        return ['accuracy', 'f1_macro'];
    return ['mae', 'rmse', 'r2'];
}
/** The error metrics whose difference between groups is a regression's measure. */
const REGRESSION_ERROR_METRICS = ['mae', 'rmse'];
/**
 * Group g's headline metrics into out[0..], NaN where undefined; as scikit-learn defines them
 * (zero_division 0; f1_macro over the classes present in the group's labels or predictions;
 * r2 1 or 0 for a constant label, as its force_finite).
 */
function groupMetrics(t, g, positive, out) {
    if (t.task === 'regression') {
        const at = g * REGRESSION_SUMS;
        const w = t.sums[at];
        if (!(w > 0)) {
            out.fill(Number.NaN, 0, 3);
            return;
        }
        const squared = t.sums[at + 3];
        const labels = t.sums[at + 4];
        const labelSquares = t.sums[at + 5];
        out[0] = t.sums[at + 2] / w;
        out[1] = Math.sqrt(squared / w);
        const spread = labelSquares - (labels * labels) / w;
        out[2] = spread > 1e-12 * labelSquares ? 1 - squared / spread : squared === 0 ? 1 : 0;
        return;
    }
    const total = t.total[g];
    if (!(total > 0)) {
        out.fill(Number.NaN, 0, 2);
        return;
    }
    const base = g * t.k;
    let correct = 0;
    for (let c = 0; c < t.k; c++)
        correct += t.truePositive[base + c];
    out[0] = correct / total;
    const f1 = (c) => {
        const tp = t.truePositive[base + c];
        const denominator = t.support[base + c] + t.predicted[base + c];
        return denominator === 0 ? 0 : (2 * tp) / denominator;
    };
    if (t.task === 'binary') {
        out[1] = positive < 0 ? 0 : f1(positive);
        return;
    }
    let sum = 0;
    let present = 0;
    for (let c = 0; c < t.k; c++) {
        if (t.support[base + c] === 0 && t.predicted[base + c] === 0)
            continue;
        sum += f1(c);
        present++;
    }
    out[1] = present ? sum / present : Number.NaN;
}
/** A regression group's weighted mean prediction (shifted back by `shift`). */
function meanPrediction(t, g, shift) {
    const w = t.sums[g * REGRESSION_SUMS];
    return w > 0 ? t.sums[g * REGRESSION_SUMS + 1] / w + shift : Number.NaN;
}
/**
 * max − min and min / max of `values` over `groups` (fairlearn's between_groups). NaN when
 * fewer than two groups take part or a group's value is undefined (in a resample: a group that
 * drew no row of the class); the ratio NaN when the largest value is 0 (0 / 0, as pandas).
 * `higherIsWorse`: the disadvantaged end is the largest value (a false positive rate).
 */
function spread(values, groups, higherIsWorse) {
    let low = -1;
    let high = -1;
    for (const g of groups) {
        const v = values[g];
        if (Number.isNaN(v))
            return { difference: Number.NaN, ratio: Number.NaN, worst: -1, best: -1 };
        if (low === -1 || v < values[low])
            low = g;
        if (high === -1 || v > values[high])
            high = g;
    }
    if (groups.length < 2)
        return { difference: Number.NaN, ratio: Number.NaN, worst: -1, best: -1 };
    const min = values[low];
    const max = values[high];
    return {
        difference: max - min,
        ratio: max === 0 ? Number.NaN : min / max,
        worst: higherIsWorse ? high : low,
        best: higherIsWorse ? low : high,
    };
}

;// CONCATENATED MODULE: ./shared/metrics/fairness.ts
/**
 * Bias across groups of people, measured as fairlearn measures it (fairness-measures.ts names
 * the fairlearn files and version each definition comes from): per sensitive attribute (a
 * column, or the intersection of several), each group's rows, weight, rates and headline
 * metrics, and the disparity measures between the groups of at least `minGroupSize` rows.
 *
 * Intervals come from the same seeded Poisson bootstrap as every other metric (bootstrap.ts):
 * resample r gives every row the same Poisson(1) count as the whole set's resample r. Those
 * counts are independent per row, so each group is resampled within itself, from its own rows
 * only, whatever the size of the others: a group of 40 beside one of 4,000 keeps about its 40
 * rows in every resample (a Poisson(40) count of them), where a bootstrap drawing n rows from
 * the whole file would give it anything from 25 to 55. Rates are ratios, so a group's resampled
 * size scales nothing. A resample in which a compared group drew no row a rate needs leaves that
 * measure undefined for the resample (as every metric's bootstrap does).
 *
 * Cost: one pass over the rows per resample adding each row's count (times its weight) to its
 * cell (fairness-groups.ts), whatever the number of attributes; the rest is per cell and group.
 */







/** Most notes an attribute's report keeps (the rest are counted). */
const MAX_NOTES = 30;
/**
 * The attributes of the `sensitive-features` input: one a line, `a,b` for the intersection of
 * columns a and b. A column that is the label, the prediction, a score or the weight is refused:
 * a model's own inputs and outputs are not groups of people.
 */
function parseSensitiveFeatures(lines, roles, input = 'sensitive-features') {
    const attributes = [];
    const role = new Map([
        [roles.label, 'the label column ("label-column")'],
        [roles.prediction, 'the prediction column ("prediction-column")'],
        ...(roles.scores ?? []).map((c) => [c, 'a score column ("score-columns")']),
        ...(roles.weight
            ? [[roles.weight, 'the weight column ("weight-column")']]
            : []),
    ]);
    for (const line of lines) {
        const columns = line.split(',').map((part) => part.trim());
        if (columns.some((c) => c === ''))
            throw new errors/* UserError */.yo(`Input "${input}": the line ${(0,identifiers/* quoteValue */.cl)(line)} has an empty column name. Write one column a line, or columns joined by commas for their intersection (e.g. "sex,age_band").`);
        if (new Set(columns).size !== columns.length)
            throw new errors/* UserError */.yo(`Input "${input}": the line ${(0,identifiers/* quoteValue */.cl)(line)} names a column twice. An intersection joins different columns (e.g. "sex,age_band").`);
        for (const column of columns) {
            const is = role.get(column);
            if (is)
                throw new errors/* UserError */.yo(`Input "${input}": the column ${(0,identifiers/* quoteValue */.cl)(column)} is ${is}: the model's own label, predictions, scores and weights are not groups of people to compare it across. Name a column that records the attribute (e.g. sex or age_band).`);
        }
        const name = columns.join(',');
        if (attributes.some((a) => a.name === name))
            throw new errors/* UserError */.yo(`Input "${input}": ${(0,identifiers/* quoteValue */.cl)(name)} is listed twice.`);
        attributes.push({ name, columns });
    }
    return attributes;
}
/** Every column the attributes read, each once, in order of first mention. */
function sensitiveColumns(attributes) {
    return [...new Set(attributes.flatMap((a) => a.columns))];
}
function evaluateFairness(set, columns, options) {
    const rows = set.labels.length;
    const byName = new Map(columns.map((c) => [c.column, c]));
    const attributes = options.attributes.map((attribute) => {
        const groups = attributeGroups(attribute.name, attribute.columns.map((c) => byName.get(c)), rows, options.path);
        if (groups.names.length < 2)
            throw new errors/* UserError */.yo(`The sensitive feature ${(0,identifiers/* quoteValue */.cl)(attribute.name)} of "${options.path}": all ${rows} evaluated rows are in one group (${(0,identifiers/* quoteValue */.cl)(groups.names[0] ?? '')}), so there is nothing to compare. Name a column whose values differ across the rows, or leave it out of "sensitive-features".`);
        return { attribute, groups };
    });
    const task = set.task;
    const k = task === 'regression' ? 0 : set.classes.length;
    const cells = cellsOf(attributes.map((a) => a.groups), task === 'regression' ? null : (i) => set.labels[i] * k + set.predictions[i], task === 'regression' ? 1 : k * k, rows);
    // Regression sums are taken around the mean label, so that r2's spread keeps its digits.
    const shift = task === 'regression' ? weightedMean(set.labels, set.weights) : 0;
    const width = task === 'regression' ? REGRESSION_SUMS : 1;
    const cellSums = new Float64Array(cells.count * width);
    sumCells(set, cells, -1, shift, cellSums);
    const positive = set.task === 'binary' ? set.classes.indexOf(set.positive) : -1;
    const measured = set.task === 'binary'
        ? [positive]
        : set.task === 'multiclass'
            ? reportedClasses(set.labels, k)
            : [];
    const frames = attributes.map(({ attribute, groups }, a) => {
        const tallies = fairness_measures_emptyTallies(task, groups.names.length, k);
        tallyGroups(tallies, cells, a, cellSums);
        const small = [...groups.rows].map((r) => r < options.minGroupSize);
        const frame = {
            attribute,
            groups,
            small,
            tallies,
            plans: [],
            classes: measured,
            notes: [],
        };
        frame.plans = planMeasures(frame, set, options.minGroupSize);
        return frame;
    });
    const metricNames = groupMetricNames(task);
    // The point values, then each resample's, of every group metric and measure.
    const point = frames.map((frame) => evaluateFrame(frame, frame.tallies, positive, shift, metricNames.length));
    const intervals = options.bootstrap
        ? bootstrapFrames(set, cells, frames, positive, shift, metricNames.length, options.bootstrap)
        : undefined;
    // Keys are column names and values from the file: made own properties with fromEntries, so
    // that a group called "__proto__" is a group like any other, not an object's prototype.
    return Object.fromEntries(frames.map((frame, a) => [
        frame.attribute.name,
        attributeReport(frame, point[a], intervals?.[a], metricNames, positive, shift, options),
    ]));
}
function weightedMean(values, weights) {
    let sum = 0;
    let weight = 0;
    for (let i = 0; i < values.length; i++) {
        const w = weights ? weights[i] : 1;
        sum += w * values[i];
        weight += w;
    }
    return weight > 0 ? sum / weight : 0;
}
/** Multiclass: the classes whose measures are reported, the MAX_REPORTED_CLASSES with the most rows (in class order). */
function reportedClasses(labels, k) {
    const counts = new Float64Array(k);
    for (let i = 0; i < labels.length; i++)
        counts[labels[i]] += 1;
    const all = [...counts.keys()];
    if (k <= MAX_REPORTED_CLASSES)
        return all;
    return all
        .sort((a, b) => counts[b] - counts[a] || a - b)
        .slice(0, MAX_REPORTED_CLASSES)
        .sort((a, b) => a - b);
}
/**
 * Adds each row's weight (its sample weight, times its Poisson count in the resample keyed
 * `key`; -1: no resample) to its cell. Regression adds the six sums of fairness-measures.ts.
 */
function sumCells(set, cells, key, shift, out) {
    out.fill(0);
    const of = cells.of;
    const weights = set.weights;
    const n = of.length;
    if (set.task !== 'regression') {
        if (key === -1) {
            for (let i = 0; i < n; i++)
                out[of[i]] += weights ? weights[i] : 1;
        }
        else if (weights) {
            // No branch on a count of 0 (a third of the rows, at random): adding 0 costs less than
            // the mispredicted branch.
            for (let i = 0; i < n; i++)
                out[of[i]] += poissonAt(key, i) * weights[i];
        }
        else {
            for (let i = 0; i < n; i++)
                out[of[i]] += poissonAt(key, i);
        }
        return;
    }
    const { labels, predictions } = set;
    for (let i = 0; i < n; i++) {
        const count = key === -1 ? 1 : poissonAt(key, i);
        const w = count * (weights ? weights[i] : 1);
        const y = labels[i] - shift;
        const error = predictions[i] - labels[i];
        const at = of[i] * REGRESSION_SUMS;
        out[at] += w;
        out[at + 1] += w * (predictions[i] - shift);
        out[at + 2] += w * Math.abs(error);
        out[at + 3] += w * error * error;
        out[at + 4] += w * y;
        out[at + 5] += w * y * y;
    }
}
const CLASS_MEASURES = [
    ['demographic_parity', 'difference'],
    ['demographic_parity', 'ratio'],
    ['equalized_odds', 'difference'],
    ['equalized_odds', 'ratio'],
    ['equal_opportunity', 'difference'],
    ['equal_opportunity', 'ratio'],
];
/** Which groups each measure compares, from the point tallies; notes for the groups left out. */
function planMeasures(frame, set, minGroupSize) {
    const { groups, small, tallies, notes } = frame;
    const names = groups.names;
    const g = names.length;
    const smallCount = small.filter(Boolean).length;
    if (smallCount)
        notes.push(`${smallCount} group${smallCount === 1 ? ' has' : 's have'} fewer than ${minGroupSize} rows: reported, left out of the measures.`);
    const weighted = (i) => tallies.task === 'regression' ? tallies.sums[i * REGRESSION_SUMS] : tallies.total[i];
    const qualified = [];
    for (let i = 0; i < g; i++) {
        if (small[i])
            continue;
        if (!(weighted(i) > 0)) {
            notes.push(`group ${(0,identifiers/* quoteValue */.cl)(names[i])} has no weight (every row weighs 0): left out of the measures.`);
            continue;
        }
        qualified.push(i);
    }
    const plans = [];
    if (tallies.task === 'regression') {
        const plan = (name, family, at) => ({
            name,
            kind: 'difference',
            family,
            at,
            groups: qualified,
            tprGroups: [],
            fprGroups: [],
        });
        plans.push(plan('mean_prediction_difference', 'mean_prediction', -1));
        REGRESSION_ERROR_METRICS.forEach((metric) => plans.push(plan(`${metric}_difference`, 'error', groupMetricNames('regression').indexOf(metric))));
        return plans;
    }
    const rates = { base: 0, selection: 0, truePositive: 0, falsePositive: 0 };
    const binary = set.task === 'binary';
    const classNames = set.task === 'regression' ? [] : set.classes;
    for (const c of frame.classes) {
        const suffix = binary ? '' : `[${classNames[c]}]`;
        const cls = (0,identifiers/* quoteValue */.cl)(classNames[c]);
        const tprGroups = [];
        const fprGroups = [];
        for (const i of qualified) {
            ratesOf(tallies, i, c, rates);
            const group = `group ${(0,identifiers/* quoteValue */.cl)(names[i])}`;
            if (Number.isNaN(rates.truePositive))
                notes.push(binary
                    ? `${group} has no positive labels: no true positive rate; left out of equal_opportunity_* and the TPR half of equalized_odds_*.`
                    : `${group} has no rows labelled ${cls}: no true positive rate for it; left out of equal_opportunity_*${suffix} and the TPR half of equalized_odds_*${suffix}.`);
            else
                tprGroups.push(i);
            if (Number.isNaN(rates.falsePositive))
                notes.push(binary
                    ? `${group} has no negative labels: no false positive rate; left out of the FPR half of equalized_odds_*.`
                    : `${group} has no rows labelled other than ${cls}: no false positive rate for it; left out of the FPR half of equalized_odds_*${suffix}.`);
            else
                fprGroups.push(i);
        }
        for (const [family, kind] of CLASS_MEASURES)
            plans.push({
                name: `${family}_${kind}${suffix}`,
                kind,
                family,
                at: c,
                groups: qualified,
                tprGroups,
                fprGroups,
            });
    }
    return plans;
}
/** The group metrics and measures of a frame under its current tallies. */
function evaluateFrame(frame, tallies, positive, shift, metricCount) {
    const { plans } = frame;
    const g = tallies.groups;
    const metrics = new Float64Array(g * metricCount);
    for (let i = 0; i < g; i++)
        groupMetrics(tallies, i, positive, metrics.subarray(i * metricCount, (i + 1) * metricCount));
    const measures = [];
    if (tallies.task === 'regression') {
        const means = Float64Array.from({ length: g }, (_, i) => meanPrediction(tallies, i, shift));
        for (const plan of plans) {
            const values = plan.family === 'mean_prediction'
                ? means
                : Float64Array.from({ length: g }, (_, i) => metrics[i * metricCount + plan.at]);
            const s = spread(values, plan.groups, plan.family === 'error');
            measures.push({ value: s.difference, worst: s.worst, best: s.best });
        }
        return { metrics, measures };
    }
    // Per measured class, the groups' rates, then its six measures.
    const rates = { base: 0, selection: 0, truePositive: 0, falsePositive: 0 };
    const selection = new Float64Array(g);
    const tpr = new Float64Array(g);
    const fpr = new Float64Array(g);
    let ratesOfClass = Number.NaN;
    for (const plan of plans) {
        if (plan.at !== ratesOfClass) {
            ratesOfClass = plan.at;
            for (let i = 0; i < g; i++) {
                ratesOf(tallies, i, plan.at, rates);
                selection[i] = rates.selection;
                tpr[i] = rates.truePositive;
                fpr[i] = rates.falsePositive;
            }
        }
        measures.push(classMeasure(plan, selection, tpr, fpr));
    }
    return { metrics, measures };
}
function classMeasure(plan, selection, tpr, fpr) {
    const pick = (s) => ({
        value: plan.kind === 'difference' ? s.difference : s.ratio,
        worst: s.worst,
        best: s.best,
    });
    if (plan.family === 'demographic_parity')
        return pick(spread(selection, plan.groups, false));
    if (plan.family === 'equal_opportunity')
        return pick(spread(tpr, plan.tprGroups, false));
    // equalized_odds, worst case of the TPR and the FPR halves that have two groups to compare
    // (pandas' max and min over the two skip a NaN half, as fairlearn's does).
    const halves = [
        plan.tprGroups.length >= 2 ? spread(tpr, plan.tprGroups, false) : undefined,
        plan.fprGroups.length >= 2 ? spread(fpr, plan.fprGroups, true) : undefined,
    ].filter((h) => h !== undefined);
    const none = { value: Number.NaN, worst: -1, best: -1 };
    if (halves.length === 0)
        return none;
    // A half whose rate is undefined in a resample leaves the measure undefined there.
    if (halves.some((h) => Number.isNaN(h.difference)))
        return none;
    let chosen = none;
    for (const half of halves) {
        const value = plan.kind === 'difference' ? half.difference : half.ratio;
        if (Number.isNaN(value))
            continue;
        const better = plan.kind === 'difference' ? value > chosen.value : value < chosen.value;
        if (Number.isNaN(chosen.value) || better)
            chosen = { value, worst: half.worst, best: half.best };
    }
    return chosen;
}
/**
 * The percentile intervals of every group metric and measure, from the resamples of the
 * whole set's bootstrap (the same seed, so the same per-row counts); per frame, the group
 * metrics' and the measures' intervals (undefined where the quantity is undefined in half the
 * resamples or more).
 */
function bootstrapFrames(set, cells, frames, positive, shift, metricCount, options) {
    const resamples = options.resamples;
    const draws = frames.map((frame) => ({
        metrics: new Float64Array(frame.tallies.groups * metricCount * resamples),
        measures: new Float64Array(frame.plans.length * resamples),
    }));
    const random = new Xoshiro128(options.seed);
    const width = set.task === 'regression' ? REGRESSION_SUMS : 1;
    const cellSums = new Float64Array(cells.count * width);
    // Scratch tallies: the frames' own hold the point values the report is made from.
    const scratch = frames.map((frame) => fairness_measures_emptyTallies(set.task, frame.tallies.groups, set.task === 'regression' ? 0 : set.classes.length));
    for (let r = 0; r < resamples; r++) {
        sumCells(set, cells, random.nextUint32(), shift, cellSums);
        frames.forEach((frame, a) => {
            tallyGroups(scratch[a], cells, a, cellSums);
            const values = evaluateFrame(frame, scratch[a], positive, shift, metricCount);
            const d = draws[a];
            for (let q = 0; q < values.metrics.length; q++)
                d.metrics[q * resamples + r] = values.metrics[q];
            values.measures.forEach((m, q) => (d.measures[q * resamples + r] = m.value));
        });
    }
    const intervals = (all, count) => Array.from({ length: count }, (_, q) => percentileInterval(all.subarray(q * resamples, (q + 1) * resamples), options.confidence));
    return draws.map((d, a) => ({
        metrics: intervals(d.metrics, frames[a].tallies.groups * metricCount),
        measures: intervals(d.measures, frames[a].plans.length),
    }));
}
const definedOrNull = (value) => (Number.isNaN(value) ? null : value);
function attributeReport(frame, point, intervals, metricNames, positive, shift, options) {
    const { groups, tallies, small, plans } = frame;
    const names = groups.names;
    const report = [];
    const rates = { base: 0, selection: 0, truePositive: 0, falsePositive: 0 };
    names.forEach((name, i) => {
        const metrics = {};
        metricNames.forEach((metric, m) => {
            const q = i * metricNames.length + m;
            const value = point.metrics[q];
            if (Number.isNaN(value))
                return;
            const ci = intervals?.metrics[q];
            metrics[metric] = ci ? { value, ci } : { value };
        });
        const group = {
            rows: groups.rows[i],
            weight: tallies.task === 'regression' ? tallies.sums[i * REGRESSION_SUMS] : tallies.total[i],
            small: small[i],
            metrics,
        };
        if (tallies.task === 'binary') {
            ratesOf(tallies, i, positive, rates);
            group.baseRate = definedOrNull(rates.base);
            group.selectionRate = definedOrNull(rates.selection);
            group.truePositiveRate = definedOrNull(rates.truePositive);
            group.falsePositiveRate = definedOrNull(rates.falsePositive);
        }
        else if (tallies.task === 'regression') {
            const mean = meanPrediction(tallies, i, shift);
            if (!Number.isNaN(mean))
                group.meanPrediction = mean;
        }
        // Reordered so the counts and rates come before the metrics in the JSON.
        const { metrics: own, ...rest } = group;
        report.push([name, { ...rest, metrics: own }]);
    });
    const notes = [...frame.notes];
    const measures = {};
    plans.forEach((plan, q) => {
        const value = point.measures[q];
        const compared = plan.family === 'equal_opportunity'
            ? plan.tprGroups
            : plan.family === 'equalized_odds'
                ? [...new Set([...plan.tprGroups, ...plan.fprGroups])].sort((a, b) => a - b)
                : plan.groups;
        const measure = {
            value: definedOrNull(value.value),
            groups: compared.map((g) => names[g]),
        };
        const ci = intervals?.measures[q];
        if (ci && measure.value !== null)
            measure.ci = ci;
        if (value.worst !== -1 && measure.value !== null) {
            measure.worstGroup = names[value.worst];
            measure.bestGroup = names[value.best];
        }
        if (measure.value === null)
            notes.push(compared.length < 2
                ? `${plan.name}: fewer than two groups qualify (${compared.length}), so there is nothing to compare.`
                : `${plan.name}: undefined, every compared group's rate is 0 (0 / 0).`);
        measures[plan.name] = measure;
    });
    const kept = notes.length > MAX_NOTES
        ? [...notes.slice(0, MAX_NOTES - 1), `… and ${notes.length - MAX_NOTES + 1} more notes.`]
        : notes;
    return {
        columns: frame.attribute.columns,
        minGroupSize: options.minGroupSize,
        dataSha256: options.dataSha256,
        groups: Object.fromEntries(report),
        measures,
        notes: kept,
    };
}

;// CONCATENATED MODULE: ./shared/schema/strptime.ts
/**
 * Table Schema's `<PATTERN>` formats for date, time and datetime fields: C / Python `strptime`
 * patterns such as `%d/%m/%Y` (v1 and v2 both define them; frictionless reads them with
 * Python's `datetime.strptime`). This follows Python's `_strptime` module: each directive is
 * the same regular expression, whitespace in the pattern matches one or more whitespace
 * characters, matching ignores case, the match is anchored at the start and the whole cell
 * must be consumed ("unconverted data remains" otherwise), and the parts must make a real
 * date (31/02 is refused).
 *
 * The pattern comes from the schema, so from the repository: it is compiled with re2js (RE2,
 * linear time), since a pattern of many `%d`s would otherwise backtrack exponentially.
 */

/** Python's directive expressions (Lib/_strptime.py, TimeRE), C locale for the names. */
const DIRECTIVES = {
    d: '3[0-1]|[1-2]\\d|0[1-9]|[1-9]| [1-9]',
    f: '[0-9]{1,6}',
    H: '2[0-3]|[0-1]\\d|\\d',
    I: '1[0-2]|0[1-9]|[1-9]',
    j: '36[0-6]|3[0-5]\\d|[1-2]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9]',
    m: '1[0-2]|0[1-9]|[1-9]',
    M: '[0-5]\\d|\\d',
    S: '6[0-1]|[0-5]\\d|\\d',
    w: '[0-6]',
    u: '[1-7]',
    y: '\\d\\d',
    Y: '\\d\\d\\d\\d',
    z: '[+-]\\d\\d:?[0-5]\\d(?::?[0-5]\\d(?:\\.\\d{1,6})?)?|(?-i:Z)',
    Z: 'utc|gmt',
    a: 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun',
    A: 'monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun',
    b: 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec',
    B: 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec',
    p: 'am|pm',
};
/** The C locale's composite directives, expanded before compiling. */
const COMPOSITES = {
    c: '%a %b %d %H:%M:%S %Y',
    x: '%m/%d/%y',
    X: '%H:%M:%S',
};
/** Week-number directives: Python uses them only to compute a date from a week; not supported here. */
const UNSUPPORTED = new Set(['U', 'W', 'G', 'V']);
const MONTHS = (/* unused pure expression or super */ null && ([
    'jan',
    'feb',
    'mar',
    'apr',
    'may',
    'jun',
    'jul',
    'aug',
    'sep',
    'oct',
    'nov',
    'dec',
]));
/** A pattern longer than this is not a date format; it also bounds the compiled automaton. */
const strptime_MAX_PATTERN_LENGTH = 200;
/** Is this format a strptime pattern rather than a named format? `fmt:` is frictionless' deprecated prefix. */
function strptime_isStrptimeFormat(format) {
    return format !== undefined && (format.includes('%') || format.startsWith('fmt:'));
}
const cache = new Map();
/** The pattern compiled, or why it cannot be (a sentence fragment). Compiled once per pattern. */
function strptime_compileStrptime(format) {
    let compiled = cache.get(format);
    if (compiled === undefined) {
        compiled = compile(format);
        if (cache.size < 256)
            cache.set(format, compiled);
    }
    return compiled;
}
function compile(format) {
    const source = format.startsWith('fmt:') ? format.slice(4) : format;
    if (source.length > strptime_MAX_PATTERN_LENGTH)
        return `the date pattern is ${source.length} characters long, more than the ${strptime_MAX_PATTERN_LENGTH} allowed`;
    const expanded = source.replace(/%([cxX])/g, (_, d) => COMPOSITES[d]);
    const names = [];
    let regex = '';
    for (let i = 0; i < expanded.length; i++) {
        const c = expanded[i];
        if (c !== '%') {
            if (/\s/.test(c)) {
                while (i + 1 < expanded.length && /\s/.test(expanded[i + 1]))
                    i++;
                regex += '\\s+';
            }
            else
                regex += c.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
            continue;
        }
        const d = expanded[++i];
        if (d === '%') {
            regex += '%';
            continue;
        }
        if (d === undefined)
            return 'the date pattern ends with a lone "%"';
        if (UNSUPPORTED.has(d))
            return `the date pattern uses %${d} (a week number), which is not supported; spell the date with %Y, %m and %d or %j`;
        const expression = DIRECTIVES[d];
        if (expression === undefined)
            return `"%${d}" is not a strptime directive`;
        names.push(d);
        regex += `(${expression})`;
    }
    let re;
    try {
        re = RE2JS.compile(regex, RE2JS.CASE_INSENSITIVE);
    }
    catch {
        return 'the date pattern cannot be compiled';
    }
    return { source: format, parse: (text) => parse(re, names, text) };
}
function parse(re, names, text) {
    const m = re.matcher(text);
    // Python matches from the start and then refuses leftover text: no search for another split.
    if (!m.lookingAt() || m.end() !== text.length)
        return undefined;
    const parts = {};
    names.forEach((name, i) => (parts[name] = m.group(i + 1)));
    return moment(parts);
}
function moment(parts) {
    const int = (key) => Number.parseInt(parts[key].trim(), 10);
    let year = 1900;
    if (parts.Y !== undefined)
        year = int('Y');
    else if (parts.y !== undefined)
        year = int('y') + (int('y') < 69 ? 2000 : 1900);
    let month = 1;
    if (parts.m !== undefined)
        month = int('m');
    else if (parts.B !== undefined || parts.b !== undefined)
        month = MONTHS.indexOf((parts.B ?? parts.b).slice(0, 3).toLowerCase()) + 1;
    let day = 1;
    if (parts.d !== undefined)
        day = int('d');
    let hour = 0;
    if (parts.H !== undefined)
        hour = int('H');
    else if (parts.I !== undefined) {
        const pm = parts.p?.toLowerCase() === 'pm';
        hour = (int('I') % 12) + (pm ? 12 : 0);
    }
    const minute = parts.M === undefined ? 0 : int('M');
    const second = parts.S === undefined ? 0 : int('S');
    // Python's datetime refuses a leap second (60, 61) that strptime's expression lets through.
    if (second > 59)
        return undefined;
    const fraction = parts.f === undefined ? 0 : Number(`0.${parts.f}`);
    let date;
    if (parts.j !== undefined && parts.m === undefined && parts.d === undefined) {
        const dayOfYear = int('j');
        const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
        if (dayOfYear > (leap ? 366 : 365))
            return undefined;
        date = utcDate(year, 1, dayOfYear);
    }
    else {
        if (!realDate(year, month, day))
            return undefined;
        date = utcDate(year, month, day);
    }
    const result = { date, seconds: hour * 3600 + minute * 60 + second + fraction };
    if (parts.z !== undefined)
        result.offset = offsetSeconds(parts.z);
    return result;
}
/** Date.UTC, except that years 0 to 99 stay themselves (Date.UTC reads them as 1900 to 1999). */
function utcDate(year, month, day) {
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    return date.getTime();
}
function realDate(year, month, day) {
    if (month < 1 || month > 12 || day < 1)
        return false;
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return (day <=
        (month === 2 ? (leap ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]));
}
/** `Z`, `+hh:mm`, `+hhmm`, `+hh:mm:ss(.ffffff)` in seconds east of UTC. */
function offsetSeconds(z) {
    if (z === 'Z' || z === 'z')
        return 0;
    const sign = z[0] === '-' ? -1 : 1;
    const digits = z.slice(1).replace(/:/g, '');
    const hours = Number(digits.slice(0, 2));
    const minutes = Number(digits.slice(2, 4));
    const seconds = digits.length > 4 ? Number(digits.slice(4)) : 0;
    return sign * (hours * 3600 + minutes * 60 + seconds);
}

;// CONCATENATED MODULE: ./shared/schema/cast.ts
/**
 * Reading a cell's text as its Table Schema type (frictionless calls this casting). Each type
 * follows the lexical forms of the v2 spec; a value that does not fit gives the reason.
 */


const FIELD_TYPES = (/* unused pure expression or super */ null && ([
    'string',
    'number',
    'integer',
    'boolean',
    'object',
    'array',
    'list',
    'datetime',
    'date',
    'time',
    'year',
    'yearmonth',
    'duration',
    'geopoint',
    'geojson',
    'any',
]));
/** Types whose values have an order, so that minimum and maximum mean something. */
const ORDERED_TYPES = new Set([
    'number',
    'integer',
    'datetime',
    'date',
    'time',
    'year',
    'yearmonth',
    'duration',
]);
const ok = (value) => ({ ok: true, value });
const no = (expected) => ({ ok: false, expected });
const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
/** What Python's Decimal reads besides digits (case-insensitive, optionally signed), as frictionless does. */
const SPECIAL_NUMBERS = {
    nan: Number.NaN,
    '+nan': Number.NaN,
    '-nan': Number.NaN,
    inf: Infinity,
    '+inf': Infinity,
    '-inf': -Infinity,
    infinity: Infinity,
    '+infinity': Infinity,
    '-infinity': -Infinity,
};
const TIME = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;
const YEARMONTH = /^(\d{4})-(\d{2})$/;
const DURATION = /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/;
/** One `@`, no spaces; the domain check is `isEmail`'s, since `[^\s@]+\.[^\s@]+` backtracks quadratically on a long cell. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function castValue(field, text) {
    switch (field.type) {
        case 'string':
            return castString(field.format, text);
        case 'integer':
            return castInteger(field, text);
        case 'number':
            return castNumber(field, text);
        case 'boolean': {
            if ((field.trueValues ?? ['true', 'True', 'TRUE', '1']).includes(text))
                return ok(true);
            if ((field.falseValues ?? ['false', 'False', 'FALSE', '0']).includes(text))
                return ok(false);
            return no('a boolean');
        }
        case 'date':
            if (isStrptimeFormat(field.format))
                return castPattern(field.format, 'date', text);
            return field.format === 'any' ? anyDate(text, 'a date') : castDate(text);
        case 'datetime':
            if (isStrptimeFormat(field.format))
                return castPattern(field.format, 'datetime', text);
            return field.format === 'any' ? anyDate(text, 'a datetime') : castDatetime(text);
        case 'time':
            if (isStrptimeFormat(field.format))
                return castPattern(field.format, 'time', text);
            return TIME.test(text) && validClock(text.slice(0, 8))
                ? ok(timeSeconds(text))
                : no('a time (hh:mm:ss)');
        case 'year':
            // Four digits, 0000 to 9999, as frictionless reads a year (gYear's negative years are not taken).
            return /^\d{4}$/.test(text) ? ok(Number(text)) : no('a year (YYYY)');
        case 'yearmonth': {
            const m = YEARMONTH.exec(text);
            return m && Number(m[2]) >= 1 && Number(m[2]) <= 12
                ? ok(Number(m[1]) * 12 + Number(m[2]) - 1)
                : no('a year and month (YYYY-MM)');
        }
        case 'duration': {
            const m = DURATION.exec(text);
            return m ? ok(durationSeconds(m)) : no('an ISO 8601 duration (e.g. P1DT2H)');
        }
        case 'object':
            return castJson(text, (v) => v !== null && typeof v === 'object' && !Array.isArray(v), 'a JSON object');
        case 'array': {
            const parsed = castJson(text, Array.isArray, 'a JSON array');
            return parsed.ok && field.arrayItem ? castItems(field, parsed.value) : parsed;
        }
        case 'geojson':
            return castJson(text, (v) => v !== null && typeof v === 'object' && typeof v.type === 'string', 'a GeoJSON object');
        case 'geopoint':
            return castGeopoint(field.format, text);
        case 'list':
            return castList(field, text);
        case 'any':
            return ok(text);
    }
}
/** `local@domain` where the domain has a dot that is neither its first nor its last character. */
function isEmail(text) {
    return EMAIL_SHAPE.test(text) && text.slice(text.indexOf('@') + 2, -1).includes('.');
}
function castString(format, text) {
    switch (format) {
        case 'email':
            return isEmail(text) ? ok(text) : no('an email address');
        case 'uri':
            return URI.test(text) ? ok(text) : no('a URI');
        case 'uuid':
            return UUID.test(text) ? ok(text) : no('a UUID');
        case 'binary':
            return BASE64.test(text) ? ok(text) : no('base64 data');
        default:
            return ok(text);
    }
}
/**
 * The number text as frictionless reads it (fields/number.py), in its order: surrounding
 * whitespace stripped; with bareNumber false, everything before the first digit or "-" and
 * after the last digit dropped; group characters removed; then, when decimalChar is not ".",
 * a "." left over makes the cell invalid (with decimalChar "," the text "1.234" is not 1.234:
 * in such files it usually means 1234), and decimalChar becomes ".". Undefined: not a number.
 */
function numericText(field, text) {
    let value = text.trim();
    if (field.bareNumber === false)
        value = trimNonNumeric(value);
    if (field.groupChar)
        value = value.split(field.groupChar).join('');
    const decimal = field.decimalChar;
    if (decimal !== undefined && decimal !== '.') {
        if (value.includes('.'))
            return undefined;
        value = value.split(decimal).join('.');
    }
    return value;
}
const isDigit = (code) => code >= 48 && code <= 57;
/**
 * Python's `re.sub(r"((^[^-\d]*)|(\D*$))", "", cell)`, by index: leading characters other than
 * digits and "-" (so a "+" or "." too) and trailing non-digits go. By index because the
 * expression `\D*$` backtracks quadratically on a long run of letters followed by a digit.
 */
function trimNonNumeric(value) {
    let start = 0;
    while (start < value.length && !isDigit(value.charCodeAt(start)) && value[start] !== '-')
        start++;
    let end = value.length;
    while (end > start && !isDigit(value.charCodeAt(end - 1)))
        end--;
    return value.slice(start, end);
}
function castInteger(field, text) {
    // v2 gives integers groupChar and bareNumber; decimalChar is a number's only.
    const value = numericText({ groupChar: field.groupChar, bareNumber: field.bareNumber }, text);
    if (value === undefined || !INTEGER.test(value))
        return no('an integer');
    const number = Number(value);
    return Number.isSafeInteger(number) ? ok(number) : no('an integer within ±2^53');
}
function castNumber(field, text) {
    // The common case first: plain decimal text, no group or decimal characters to strip.
    const plain = field.groupChar === undefined && field.decimalChar === undefined && field.bareNumber !== false;
    if (plain && NUMBER.test(text))
        return ok(Number(text));
    const value = numericText(field, text);
    if (value === undefined)
        return no(`a number with decimal character "${field.decimalChar}"`);
    if (NUMBER.test(value))
        return ok(Number(value));
    const special = value.length <= 9 ? SPECIAL_NUMBERS[value.toLowerCase()] : undefined;
    return special !== undefined ? ok(special) : no('a number');
}
const DAYS_IN_MONTH = (/* unused pure expression or super */ null && ([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]));
/** Arithmetic rather than a Date object: this runs for every date cell. */
function validDate(y, m, d) {
    if (m < 1 || m > 12 || d < 1)
        return false;
    const leap = m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
    return d <= DAYS_IN_MONTH[m - 1] + (leap ? 1 : 0);
}
function validClock(hms) {
    const [h, m, s] = hms.split(':').map(Number);
    return h < 24 && m < 60 && s < 60;
}
/** Digits at text[from, from + count) as a number, or -1: a regex and Number() cost more per cell. */
function digits(text, from, count) {
    let value = 0;
    for (let i = from; i < from + count; i++) {
        const code = text.charCodeAt(i) - 48;
        if (code < 0 || code > 9)
            return -1;
        value = value * 10 + code;
    }
    return value;
}
function castDate(text) {
    const time = dateTime(text);
    return time === undefined ? no('a date (YYYY-MM-DD)') : ok(time);
}
/** A YYYY-MM-DD date as milliseconds since the epoch (UTC), or undefined. */
function dateTime(text) {
    const y = text.length === 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45
        ? digits(text, 0, 4)
        : -1;
    const m = y < 0 ? -1 : digits(text, 5, 2);
    const d = m < 0 ? -1 : digits(text, 8, 2);
    return d < 0 || !validDate(y, m, d) ? undefined : Date.UTC(y, m - 1, d);
}
function castDatetime(text) {
    const m = DATETIME.exec(text);
    if (!m ||
        !validDate(Number(m[1]), Number(m[2]), Number(m[3])) ||
        !validClock(`${m[4]}:${m[5]}:${m[6]}`)) {
        return no('a datetime (YYYY-MM-DDThh:mm:ss, optional fraction and time zone)');
    }
    const zoned = m[8] ? text : `${text}Z`;
    return ok(Date.parse(zoned));
}
const PATTERN_EXPECTED = { date: 'a date', time: 'a time', datetime: 'a datetime' };
/** A `<PATTERN>` format (strptime.ts): the schema check has made sure it compiles. */
function castPattern(format, type, text) {
    const pattern = compileStrptime(format);
    const expected = `${PATTERN_EXPECTED[type]} in the format ${format}`;
    if (typeof pattern === 'string')
        return no(expected);
    const m = pattern.parse(text);
    if (!m)
        return no(expected);
    if (type === 'date')
        return ok(m.date);
    if (type === 'time')
        return ok(m.seconds);
    return ok(m.date + m.seconds * 1000 - (m.offset ?? 0) * 1000);
}
function anyDate(text, expected) {
    const time = Date.parse(text);
    return Number.isNaN(time) ? no(expected) : ok(time);
}
function timeSeconds(text) {
    const [h, m, s] = text.slice(0, 8).split(':').map(Number);
    const fraction = /^\d{2}:\d{2}:\d{2}(\.\d+)/.exec(text)?.[1];
    return h * 3600 + m * 60 + s + (fraction ? Number(fraction) : 0);
}
/**
 * An approximate length in seconds (a month is 30 days, a year 365), used only for ordering.
 * Read from DURATION's own groups: searching the text again for each unit was quadratic in a
 * long run of digits.
 */
function durationSeconds(m) {
    // parseFloat reads the number before the unit letter; an absent part counts 0.
    const unit = (group) => (m[group] === undefined ? 0 : Number.parseFloat(m[group]));
    const day = 86400;
    return (unit(1) * 365 * day +
        unit(3) * 30 * day +
        unit(5) * 7 * day +
        unit(7) * day +
        unit(10) * 3600 +
        unit(12) * 60 +
        unit(14));
}
function castJson(text, accept, expected) {
    // JSON.parse takes any depth, but later walks of the value (keys, statistics) are recursive.
    if ((text.indexOf('[') !== -1 || text.indexOf('{', 1) !== -1) &&
        jsonDepthExceeded(text, MAX_NESTING_DEPTH) !== undefined) {
        return no(`${expected} nested at most ${MAX_NESTING_DEPTH} levels deep`);
    }
    try {
        const value = JSON.parse(text);
        return accept(value) ? ok(value) : no(expected);
    }
    catch {
        return no(expected);
    }
}
function castGeopoint(format, text) {
    let lon;
    let lat;
    if (format === 'array' || format === 'object') {
        const parsed = castJson(text, (v) => v !== null && typeof v === 'object', 'a geopoint');
        if (!parsed.ok)
            return no(GEOPOINT_EXPECTED[format]);
        const point = geopointParts(format, parsed.value);
        if (!point)
            return no(GEOPOINT_EXPECTED[format]);
        [lon, lat] = point;
    }
    else {
        const parts = text.split(',').map((part) => part.trim());
        if (parts.length !== 2 || !parts.every((part) => NUMBER.test(part)))
            return no('a geopoint ("lon, lat")');
        [lon, lat] = parts.map(Number);
    }
    const valid = typeof lon === 'number' &&
        typeof lat === 'number' &&
        Math.abs(lon) <= 180 &&
        Math.abs(lat) <= 90;
    return valid ? ok([lon, lat]) : no('a geopoint with longitude in ±180 and latitude in ±90');
}
const GEOPOINT_EXPECTED = {
    array: 'a geopoint as a JSON array [lon, lat]',
    object: 'a geopoint as a JSON object {"lon": …, "lat": …}',
};
/**
 * The array format is exactly [lon, lat]; the object format exactly {lon, lat}: an array is
 * not an object here (frictionless refuses "[180, -90]" for the object format).
 */
function geopointParts(format, v) {
    if (format === 'array')
        return Array.isArray(v) && v.length === 2 ? [v[0], v[1]] : undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v))
        return undefined;
    const o = v;
    return Object.keys(o).length === 2 && 'lon' in o && 'lat' in o ? [o.lon, o.lat] : undefined;
}
/** The items of an array field with `arrayItem`, each cast as the item field says; missing items stay null. */
function castItems(field, items) {
    const item = field.arrayItem;
    const missing = item.missing ?? field.missing ?? new Set(['']);
    const cast = [];
    for (const value of items) {
        if (value === null || (typeof value === 'string' && missing.has(value))) {
            cast.push(null);
            continue;
        }
        const result = castRaw(item, value);
        if (!result.ok)
            return no(`an array of ${item.type} items (an item is not ${result.expected})`);
        cast.push(result.value);
    }
    return ok(cast);
}
function castList(field, text) {
    const itemType = (field.itemType ?? 'string');
    const items = [];
    for (const item of text === '' ? [] : text.split(field.delimiter ?? ',')) {
        const cast = castValue({ type: itemType }, item);
        if (!cast.ok)
            return no(`a list of ${itemType} items`);
        items.push(cast.value);
    }
    return ok(items);
}
/** What each type expects, for values that are not text (JSON Lines, Parquet). */
const EXPECTED = {
    string: 'a string',
    number: 'a number',
    integer: 'an integer',
    boolean: 'a boolean',
    object: 'a JSON object',
    array: 'a JSON array',
    list: 'a list',
    datetime: 'a datetime (YYYY-MM-DDThh:mm:ss)',
    date: 'a date (YYYY-MM-DD)',
    time: 'a time (hh:mm:ss)',
    year: 'a year (YYYY)',
    yearmonth: 'a year and month (YYYY-MM)',
    duration: 'an ISO 8601 duration (e.g. P1DT2H)',
    geopoint: 'a geopoint',
    geojson: 'a GeoJSON object',
    any: 'any value',
};
/**
 * Casts a raw value from any format: text goes through `castValue` (the lexical forms of the
 * spec); JSON and Parquet values are taken as they are when they already have the field's
 * type, so the same data in CSV, JSON Lines and Parquet casts to the same values.
 */
function castRaw(field, raw) {
    if (typeof raw === 'string')
        return castValue(field, raw);
    switch (field.type) {
        case 'any':
            return ok(raw);
        case 'number':
            return typeof raw === 'number' ? ok(raw) : no(EXPECTED.number);
        case 'integer':
            if (typeof raw !== 'number' || !Number.isInteger(raw))
                return no(EXPECTED[field.type]);
            return Number.isSafeInteger(raw) ? ok(raw) : no('an integer within ±2^53');
        case 'year':
            return typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw <= 9999
                ? ok(raw)
                : no(EXPECTED.year);
        case 'boolean':
            return typeof raw === 'boolean' ? ok(raw) : no(EXPECTED.boolean);
        case 'object':
        case 'geojson':
            return raw !== null &&
                typeof raw === 'object' &&
                !Array.isArray(raw) &&
                (field.type === 'object' || typeof raw.type === 'string')
                ? ok(raw)
                : no(EXPECTED[field.type]);
        case 'array':
            if (!Array.isArray(raw))
                return no(EXPECTED.array);
            return field.arrayItem ? castItems(field, raw) : ok(raw);
        case 'list': {
            if (!Array.isArray(raw))
                return no(EXPECTED.list);
            const itemType = (field.itemType ?? 'string');
            const items = [];
            for (const item of raw) {
                const cast = castRaw({ type: itemType }, item);
                if (!cast.ok)
                    return no(`a list of ${itemType} items`);
                items.push(cast.value);
            }
            return ok(items);
        }
        case 'geopoint': {
            // A JSON value in the field's format; under the default "lon, lat" format, a [lon, lat] array as frictionless takes it.
            if (raw === null || typeof raw !== 'object')
                return no(EXPECTED.geopoint);
            const format = field.format === 'object' ? 'object' : 'array';
            return castGeopoint(format, JSON.stringify(raw));
        }
        default:
            return no(EXPECTED[field.type]);
    }
}
// The two scanners below do what INTEGER and NUMBER match, in one pass over the characters:
// they run for most cells of a numeric file, where the regular expressions cost twice as much.
/** A text INTEGER matches, as a safe integer; else CAST_FAILED. Up to 15 digits are summed exactly. */
function plainInteger(text) {
    const length = text.length;
    let i = 0;
    const first = text.charCodeAt(0);
    const negative = first === 45;
    if (negative || first === 43)
        i++;
    if (i === length)
        return CAST_FAILED;
    let value = 0;
    for (; i < length; i++) {
        const digit = text.charCodeAt(i) - 48;
        if (digit < 0 || digit > 9)
            return CAST_FAILED;
        value = value * 10 + digit;
    }
    if (length - (negative || first === 43 ? 1 : 0) > 15) {
        value = Math.abs(Number(text));
        if (!Number.isSafeInteger(value))
            return CAST_FAILED;
    }
    return negative ? -value : value;
}
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
/**
 * A text NUMBER matches, as a number; else CAST_FAILED. Up to 15 digits and 22 decimals the
 * digits are summed and divided by a power of ten: both are exact doubles and one division
 * rounds correctly, so the result is Number()'s (Clinger's fast path), at a fraction of its cost.
 */
function plainDecimal(text) {
    let i = 0;
    let c = text.charCodeAt(0);
    const negative = c === 45;
    if (negative || c === 43)
        c = text.charCodeAt(++i);
    let mantissa = 0;
    let digits = 0;
    let decimals = 0;
    while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        c = text.charCodeAt(++i);
    }
    if (c === 46) {
        c = text.charCodeAt(++i);
        while (c >= 48 && c <= 57) {
            mantissa = mantissa * 10 + (c - 48);
            digits++;
            decimals++;
            c = text.charCodeAt(++i);
        }
    }
    if (digits === 0)
        return CAST_FAILED;
    let exponent = false;
    if (c === 101 || c === 69) {
        c = text.charCodeAt(++i);
        if (c === 43 || c === 45)
            c = text.charCodeAt(++i);
        let exponentDigits = 0;
        while (c >= 48 && c <= 57) {
            exponentDigits++;
            c = text.charCodeAt(++i);
        }
        if (exponentDigits === 0)
            return CAST_FAILED;
        exponent = true;
    }
    if (i !== text.length)
        return CAST_FAILED;
    if (exponent || digits > 15 || decimals > 22)
        return Number(text);
    const value = mantissa / POWERS_OF_TEN[decimals];
    return negative ? -value : value;
}
/** What a compiled cast returns for a value that does not fit; castRaw then says why. */
const CAST_FAILED = Symbol('cast failed');
/**
 * The cast of one field compiled to a function, for the per-cell hot path: it returns the
 * value itself (no result object to allocate and collect for every cell) or CAST_FAILED, and
 * takes the common forms (plain integers and decimals, default booleans, plain strings)
 * without going through the general switch. Anything else goes to castRaw, so the result is
 * always the one castRaw gives.
 */
function compileCast(field) {
    const general = (raw) => {
        const cast = castRaw(field, raw);
        return cast.ok ? cast.value : CAST_FAILED;
    };
    const plainNumbers = field.groupChar === undefined && field.decimalChar === undefined && field.bareNumber !== false;
    switch (field.type) {
        case 'string':
            if (field.format !== undefined && field.format !== 'default')
                return general;
            return (raw) => (typeof raw === 'string' ? raw : CAST_FAILED);
        case 'integer':
            if (!plainNumbers)
                return general;
            return (raw) => {
                if (typeof raw === 'string') {
                    // The rarer forms (surrounding spaces) go the general way, so the answer is castRaw's.
                    const value = plainInteger(raw);
                    return value === CAST_FAILED ? general(raw) : value;
                }
                return typeof raw === 'number' && Number.isSafeInteger(raw) ? raw : CAST_FAILED;
            };
        case 'number':
            if (!plainNumbers)
                return general;
            return (raw) => {
                if (typeof raw === 'number')
                    return raw;
                if (typeof raw !== 'string')
                    return general(raw);
                const value = plainDecimal(raw);
                return value === CAST_FAILED ? general(raw) : value;
            };
        case 'boolean':
            if (field.trueValues || field.falseValues)
                return general;
            return (raw) => {
                if (typeof raw === 'boolean')
                    return raw;
                if (raw === 'true' || raw === 'True' || raw === 'TRUE' || raw === '1')
                    return true;
                if (raw === 'false' || raw === 'False' || raw === 'FALSE' || raw === '0')
                    return false;
                return CAST_FAILED;
            };
        case 'date':
            if (field.format !== undefined && field.format !== 'default')
                return general;
            return (raw) => (typeof raw === 'string' ? (dateTime(raw) ?? CAST_FAILED) : general(raw));
        default:
            return general;
    }
}

;// CONCATENATED MODULE: ./shared/data/delimited-shards.ts
/**
 * CSV and TSV cut into shards of whole records, so that workers can parse and check them
 * side by side while the file is read once, in constant memory (a few shards in flight).
 *
 * papaparse cannot start in the middle of a file: whether a newline ends a record depends on
 * the quotes before it. So the cut is found here by a small scanner that follows RFC 4180's
 * quoting (a quote opens a quoted field only at the start of a field; a doubled quote inside
 * one is a literal quote), the way papaparse reads well-formed files. A shard is whole records,
 * with the file line and data row it starts at, so every finding keeps its true location.
 * Inside a shard, records without a quote are split on the delimiter directly, and records with
 * one are handed to papaparse, which reports their quoting problems as the one-pass reader does.
 * On malformed quoting the two readers may cut records differently; both report the problem.
 *
 * Line ends are the one-pass reader's: outside quotes \r\n, \n and a lone \r each end a record,
 * mixed in one file too. A record longer than MAX_RECORD_LENGTH bytes stops the file, and a
 * NUL byte in a cell is reported on its row, as in the one-pass reader.
 */




const delimited_shards_DELIMITERS = { csv: ',', tsv: '\t' };
const NEWLINE = 0x0a;
const delimited_shards_CR = 0x0d;
/** Line breaks in bytes[0, end) without quotes: each \n, and each \r not followed by \n (old Mac line ends). */
function countLineBreaks(bytes, end) {
    const newlines = countByte(bytes, NEWLINE, end);
    if (bytes.subarray(0, end).indexOf(delimited_shards_CR) === -1)
        return newlines;
    let lone = 0;
    for (let index = bytes.indexOf(delimited_shards_CR); index !== -1 && index < end; index = bytes.indexOf(delimited_shards_CR, index + 1))
        if (bytes[index + 1] !== NEWLINE)
            lone++;
    return newlines + lone;
}
/**
 * The layout of a file that can be cut into shards, read from its first block; undefined when
 * it cannot (a dialect the scanner does not follow, no newline in the first block, a header
 * that papaparse finds malformed): such files are read in one pass.
 */
async function delimitedLayout(path, format, dialect = {}) {
    const delimiter = dialect.delimiter ?? delimited_shards_DELIMITERS[format];
    const quoteChar = dialect.quoteChar ?? '"';
    const escapeChar = dialect.escapeChar ?? quoteChar;
    if (escapeChar !== quoteChar || !isAscii(delimiter) || !isAscii(quoteChar))
        return undefined;
    const handle = await openData(path);
    try {
        const block = new Uint8Array(1 << 20);
        const { bytesRead } = await handle.read(block, 0, block.length, 0);
        const scanner = new RecordScanner(delimiter.charCodeAt(0), quoteChar.charCodeAt(0));
        let start = 0;
        let line = 1;
        for (;;) {
            const end = scanner.nextRecordEnd(block, start, bytesRead);
            if (end === -1)
                return undefined;
            const record = block.subarray(start, end - 1);
            const lines = 1 + countByte(record, NEWLINE, record.length);
            const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(record);
            if (text === '' || text === '\r') {
                // Blank lines before the header hold nothing, as in the one-pass reader.
                start = end;
                line += lines;
                continue;
            }
            const crlf = text.endsWith('\r');
            const parsed = papaparse_default().parse(crlf ? text.slice(0, -1) : text, {
                delimiter,
                quoteChar,
                escapeChar,
                newline: '\n',
            });
            if (parsed.errors.length || parsed.data.length !== 1)
                return undefined;
            return {
                delimiter,
                quoteChar,
                crlf,
                header: parsed.data[0],
                headerLine: line,
                dataOffset: end,
                dataLine: line + lines,
            };
        }
    }
    catch {
        return undefined; // invalid UTF-8 in the header, and the like: the one-pass reader says what is wrong
    }
    finally {
        await handle.close();
    }
}
const isAscii = (char) => char.length === 1 && char.charCodeAt(0) < 0x80 && char !== '\n' && char !== '\r';
async function openData(path) {
    try {
        return await (0,promises_.open)(path, 'r');
    }
    catch (error) {
        throw read_file_fileError(error, path, 'data file');
    }
}
/** The smallest shard the tail of a file is cut into (or `shardBytes`, when that is smaller). */
const MIN_TAIL_SHARD_BYTES = 256 * 2 ** 10;
/**
 * The size of the next shard: `shardBytes`, until the rest of the file would make fewer than two
 * shards per worker; then a share of what is left (guided self-scheduling), so that the workers
 * finish together rather than one of them checking the last whole shard alone (on the bench's
 * 1M-row CSV, 17 shards of 4 MiB on 2 workers left one idle for a shard's time at the end).
 */
function nextShardBytes(shardBytes, remaining, workers) {
    return Math.max(Math.min(shardBytes, MIN_TAIL_SHARD_BYTES), Math.min(shardBytes, Math.ceil(remaining / (2 * workers))));
}
/**
 * The data records of a file as shards of about `shardBytes`, each a fresh buffer that can be
 * moved to a worker. A record longer than a shard makes the shard grow to hold it. With
 * `workers`, the file's tail is cut into smaller shards (nextShardBytes).
 */
async function* delimitedShards(path, layout, shardBytes, workers = 1) {
    const handle = await openData(path);
    const scanner = new RecordScanner(layout.delimiter.charCodeAt(0), layout.quoteChar.charCodeAt(0));
    try {
        // Read once: a file that grows while it is read is read to its end all the same (eof below).
        const size = workers > 1 ? (await handle.stat()).size : 0;
        let position = layout.dataOffset;
        let line = layout.dataLine;
        let row = 1;
        let carry = new Uint8Array(0);
        let eof = false;
        while (!eof || carry.length) {
            const target = workers > 1
                ? nextShardBytes(shardBytes, size - position + carry.length, workers)
                : shardBytes;
            let buffer = new Uint8Array(Math.max(target, carry.length * 2));
            buffer.set(carry);
            let filled = carry.length;
            let end = -1;
            let records = 0;
            let newlines = 0;
            let grown = false;
            for (;;) {
                if (!eof && filled < buffer.length) {
                    const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, position);
                    position += bytesRead;
                    filled += bytesRead;
                    if (bytesRead === 0)
                        eof = true;
                    if (!eof && filled < buffer.length)
                        continue;
                }
                ({ end, records, newlines } = scanner.lastRecordEnd(buffer, filled));
                if (end > 0 || eof)
                    break;
                // The buffer is one record, not yet ended, which starts at `line`: past the limit, do not grow it further.
                if (filled >= MAX_RECORD_LENGTH)
                    throw recordTooLong(path, line);
                grown = true;
                const larger = new Uint8Array(buffer.length * 2); // one record longer than the shard
                larger.set(buffer.subarray(0, filled));
                buffer = larger;
            }
            // A shard grown for one long record: that record (the first) may still be over the limit.
            if (grown &&
                (end === -1 ? filled : scanner.nextRecordEnd(buffer, 0, filled)) > MAX_RECORD_LENGTH)
                throw recordTooLong(path, line);
            const final = eof && (end === -1 || end === filled);
            const cut = final ? filled : end;
            if (cut === 0)
                break;
            const bytes = buffer.subarray(0, cut);
            carry = buffer.slice(cut, filled);
            // Counted before the shard goes, as its buffer moves to a worker. A last record without
            // its newline is one more record and one more line.
            const unterminated = final && bytes[cut - 1] !== NEWLINE && bytes[cut - 1] !== delimited_shards_CR ? 1 : 0;
            const whole = end === cut; // else the last shard, which no newline outside quotes ends
            const lines = (whole ? newlines : scanner.lineBreaks(bytes, cut)) + unterminated;
            yield { bytes, offset: position - filled, firstLine: line, firstRow: row, final };
            line += lines;
            row += (whole ? records : 0) + unterminated;
            if (final)
                break;
        }
    }
    finally {
        await handle.close();
    }
}
/** Finds where records end in a file's bytes (scanRecords), with shortcuts for the usual blocks without quotes. */
class RecordScanner {
    delimiter;
    quote;
    constructor(delimiter, quote) {
        this.delimiter = delimiter;
        this.quote = quote;
    }
    /** The offset just past the first record ending at or after `start`, or -1 when none ends before `end`. */
    nextRecordEnd(bytes, start, end) {
        let found = -1;
        this.scan(bytes, start, end, (at) => {
            found = at;
            return false;
        });
        return found;
    }
    /**
     * The offset just past the last complete record in bytes[0, end) (-1 when none), with how many
     * records and newlines (quoted ones too) come before it: a shard's rows and file lines.
     */
    lastRecordEnd(bytes, end) {
        const view = bytes.subarray(0, end);
        if (view.indexOf(this.quote) === -1 && view.indexOf(delimited_shards_CR) === -1) {
            const last = view.lastIndexOf(NEWLINE);
            const newlines = last === -1 ? 0 : countByte(view, NEWLINE, last + 1);
            return { end: last === -1 ? -1 : last + 1, records: newlines, newlines };
        }
        let found = -1;
        let records = 0;
        let loneCRs = 0;
        this.scan(bytes, 0, end, (at) => {
            found = at;
            records++;
            if (bytes[at - 1] === delimited_shards_CR)
                loneCRs++;
            return true;
        });
        return {
            end: found,
            records,
            newlines: found === -1 ? 0 : countByte(view, NEWLINE, found) + loneCRs,
        };
    }
    /** The line breaks in the whole text bytes[0, end): each \n, and each lone \r outside quotes (inside, it is part of a cell). */
    lineBreaks(bytes, end) {
        const view = bytes.subarray(0, end);
        if (view.indexOf(this.quote) === -1)
            return countLineBreaks(view, end);
        let loneCRs = 0;
        this.scan(bytes, 0, end, (at) => {
            if (bytes[at - 1] === delimited_shards_CR)
                loneCRs++;
            return true;
        }, true);
        return countByte(view, NEWLINE, end) + loneCRs;
    }
    /** scanRecords over bytes[start, end), read as Latin-1 so that offsets in the text are offsets in the bytes. */
    scan(bytes, start, end, onRecordEnd, complete = false) {
        const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
        scanRecords(text, this.delimiter, this.quote, complete, (at) => onRecordEnd(start + at));
    }
}
/**
 * The one reading of quotes both the cutter (over bytes) and the workers (over text) follow:
 * calls `onRecordEnd(offset just past the newline)` for each line end outside quotes (\n, or a
 * \r not followed by \n), until it returns false. A quote opens a quoted field only at the start of a field; inside one, a
 * doubled quote is a literal quote and a single one ends it. When the text is not `complete`,
 * a quote or \r at its very end is left undecided (the next byte may double the quote or make
 * the \r a \r\n) and the scan stops.
 */
function scanRecords(text, delimiter, quote, complete, onRecordEnd) {
    let fieldStart = true;
    let quoted = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (quoted) {
            if (c !== quote)
                continue;
            if (i + 1 === text.length && !complete)
                return;
            if (text.charCodeAt(i + 1) === quote)
                i++;
            else
                quoted = false;
        }
        else if (c === NEWLINE) {
            fieldStart = true;
            if (!onRecordEnd(i + 1))
                return;
        }
        else if (c === delimited_shards_CR) {
            if (i + 1 === text.length && !complete)
                return;
            if (text.charCodeAt(i + 1) === NEWLINE)
                continue;
            fieldStart = true;
            if (!onRecordEnd(i + 1))
                return;
        }
        else if (c === delimiter)
            fieldStart = true;
        else if (c === quote && fieldStart) {
            quoted = true;
            fieldStart = false;
        }
        else
            fieldStart = false;
    }
}
/**
 * Parses a shard into rows, as readTable does for the whole file: each with its data row and
 * file line, empty lines marked blank, unreadable records with the problem. Throws the
 * encoding DataFileError at the first invalid UTF-8 byte, after the rows before it.
 */
function parseDelimitedShard({ layout, path, shard }, onRow) {
    const { bytes } = shard;
    let text;
    let invalidAt = -1;
    try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
    }
    catch {
        invalidAt = firstInvalidUtf8(bytes);
        const lastNewline = bytes.lastIndexOf(NEWLINE, invalidAt);
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes.subarray(0, lastNewline + 1));
    }
    const { delimiter, quoteChar } = layout;
    const next = { line: shard.firstLine, row: shard.firstRow };
    // NUL bytes are looked for on each row only in a shard that has one.
    const emit = text.indexOf('\0') === -1 ? onRow : withNulCheck(onRow, layout.header);
    if (text.indexOf(quoteChar) !== -1)
        readQuotedRecords(text, layout, next, emit);
    else if (text.indexOf('\r') === -1)
        readPlainRecords(text, delimiter, false, next, emit);
    else if (!hasLoneCR(text))
        readPlainRecords(text, delimiter, true, next, emit); // CRLF lines: the usual Windows file
    else
        readPlainRecords(text.replace(/\r\n?/g, '\n'), delimiter, false, next, emit); // no quotes: every \r is a line end
    if (invalidAt !== -1)
        throw invalidUtf8(path, shard.offset + invalidAt, shard.firstLine + countByte(bytes, NEWLINE, invalidAt));
}
/**
 * The rows of a shard without quotes: one a line, cells between delimiters. Cut with indexOf
 * and slice rather than split(): on the bench's file that reads the cells in half the time. The
 * newline that ends the last line makes no row.
 */
function withNulCheck(onRow, header) {
    return (row) => {
        const problem = row.problem ? undefined : nulProblem(row.cells, header);
        onRow(problem ? { cells: row.cells, row: row.row, line: row.line, problem } : row);
    };
}
/** A \r not followed by \n: an old Mac line end. */
function hasLoneCR(text) {
    for (let at = text.indexOf('\r'); at !== -1; at = text.indexOf('\r', at + 1))
        if (text.charCodeAt(at + 1) !== NEWLINE)
            return true;
    return false;
}
/** `crlf`: drop the \r of each line's \r\n (there is no lone \r). */
function readPlainRecords(text, delimiter, crlf, next, onRow) {
    // The next delimiter at or after `start`, kept across lines so that a file with few delimiters is not scanned again for each line.
    let delimiterAt = -2;
    for (let start = 0; start < text.length;) {
        let end = text.indexOf('\n', start);
        if (end === -1)
            end = text.length;
        const recordEnd = crlf && end > start && text.charCodeAt(end - 1) === delimited_shards_CR ? end - 1 : end;
        const line = next.line++;
        if (recordEnd === start)
            onRow({ cells: [''], row: next.row++, line, blank: true });
        else {
            const cells = [];
            let cell = start;
            for (;;) {
                if (delimiterAt < cell && delimiterAt !== -1)
                    delimiterAt = text.indexOf(delimiter, cell);
                if (delimiterAt === -1 || delimiterAt >= recordEnd) {
                    cells.push(text.slice(cell, recordEnd));
                    break;
                }
                cells.push(text.slice(cell, delimiterAt));
                cell = delimiterAt + 1;
            }
            onRow({ cells, row: next.row++, line });
        }
        start = end + 1;
    }
}
/** The rows of a shard with quotes: records that have one go to papaparse, the others are split directly. */
function readQuotedRecords(text, layout, next, onRow) {
    const { delimiter, quoteChar } = layout;
    const newline = '\n'; // a record holds no line end outside quotes
    for (let record of splitQuotedRecords(text, layout)) {
        const line = next.line;
        const row = next.row++;
        if (record.endsWith('\r'))
            record = record.slice(0, -1);
        if (record.indexOf(quoteChar) === -1) {
            next.line++;
            onRow(record === ''
                ? { cells: [''], row, line, blank: true }
                : { cells: record.split(delimiter), row, line });
            continue;
        }
        next.line += 1 + countNewlines(record);
        const parsed = papaparse_default().parse(record, {
            delimiter,
            quoteChar,
            escapeChar: quoteChar,
            newline,
        });
        const error = parsed.errors[0];
        const cells = parsed.data[0] ?? [''];
        if (error)
            onRow({ cells, row, line, problem: error.message });
        else if (parsed.data.length !== 1)
            onRow({ cells, row, line, problem: 'its quotes do not pair up into fields' });
        else
            onRow({ cells, row, line });
    }
}
/** The shard's text as records, without their newlines, where quoted fields may hold newlines. */
function splitQuotedRecords(text, layout) {
    const records = [];
    let start = 0;
    scanRecords(text, layout.delimiter.charCodeAt(0), layout.quoteChar.charCodeAt(0), true, (at) => {
        records.push(text.slice(start, at - 1)); // without the \n, or the lone \r; a \r before a \n is dropped by the caller
        start = at;
        return true;
    });
    if (start < text.length)
        records.push(text.slice(start));
    return records;
}

;// CONCATENATED MODULE: ./shared/metrics/predictions.ts
/**
 * Predictions files, read into a prediction set for the metric suite. This is the one place
 * evaluate-model reads predictions: rows arrive from the project's delimited reader (CSV/TSV,
 * optionally gzip) and every value is checked with its file, line and column named.
 *
 * The rows are held in typed arrays (class codes a byte each, a float64 per probability: 10 MB
 * for a million binary rows, 42 MB with five probabilities), and nothing else is kept per row:
 * ROC AUC needs every score in order, and the bootstrap revisits every row a thousand times,
 * so unlike validation this cannot stream in constant memory.
 */










/** Most distinct values a slice column may have: each slice is evaluated and bootstrapped on its own. */
const MAX_SLICE_VALUES = 100;
/** Most distinct values a sensitive column may have: more is likely an identifier, not a group. */
const MAX_SENSITIVE_VALUES = 100;
/**
 * Most probabilities (rows × score columns) a predictions file may hold: each is held as a
 * number and ranked once per column, about 30 bytes in all, so this is about 1.5 GB.
 */
const MAX_SCORE_CELLS = 50_000_000;
async function readPredictions(path, format, spec) {
    // CSV and TSV are cut into blocks of whole records and split in place (the reader
    // validate-data's workers use, here on the main thread): ten times faster than the one-pass
    // streaming reader, which takes the files it cannot cut (gzip, a header it cannot read).
    const layout = (format === 'csv' || format === 'tsv') && !/\.gz$/i.test(path)
        ? await delimitedLayout(path, format)
        : undefined;
    const capacity = layout ? await recordCapacity(path) : await lineCapacity(path, format);
    const builder = new PredictionSetBuilder(spec, path, MAX_SCORE_CELLS, capacity);
    const labels = new LabelDigest();
    const sliceColumns = (spec.slices ?? []).map((column) => ({
        column,
        values: [],
        lookup: new Map(),
        index: new GrowableInt32(capacity),
    }));
    const sensitiveColumns = (spec.sensitive ?? []).map((column) => ({
        column,
        values: [],
        lookup: new Map(),
        index: new GrowableInt32(capacity),
    }));
    const missing = missingValueSet(spec);
    let positions;
    let rows = 0;
    const header = (columns) => {
        positions = locateColumns(path, [...columns], spec);
    };
    const row = ({ cells, line, row, blank, problem }) => {
        if (blank)
            return; // an empty line holds no example
        // Where a value is, for messages: text formats name the file line; Parquet has no lines, so
        // the data row (row 1 is the first). Made into text only for a message.
        const place = line ?? `data row ${row}`;
        if (problem)
            throw new errors/* UserError */.yo(`The predictions file "${path}" cannot be read at ${placeText(place)}: ${problem}.`);
        if (!builder.addRow(place, cells, positions))
            return;
        rows++;
        labels.add(cellText(cells[positions.label]));
        for (let s = 0; s < sliceColumns.length; s++) {
            const slice = sliceColumns[s];
            const value = cellText(cells[positions.slices[s]]);
            let index = slice.lookup.get(value);
            if (index === undefined) {
                if (slice.values.length === MAX_SLICE_VALUES) {
                    throw new errors/* UserError */.yo(`The slice column "${slice.column}" of "${path}" has more than ${MAX_SLICE_VALUES} distinct values (${placeText(place)} brings another): slice by a column with fewer values, e.g. a bucketed one.`);
                }
                index = slice.values.length;
                slice.values.push(value);
                slice.lookup.set(value, index);
            }
            slice.index.push(index);
        }
        for (let s = 0; s < sensitiveColumns.length; s++) {
            const group = sensitiveColumns[s];
            const text = cellText(cells[positions.sensitive[s]]);
            const value = missing.has(text.trim()) ? MISSING_GROUP : text;
            let index = group.lookup.get(value);
            if (index === undefined) {
                if (group.values.length === MAX_SENSITIVE_VALUES) {
                    throw new errors/* UserError */.yo(`The sensitive column "${group.column}" of "${path}" has more than ${MAX_SENSITIVE_VALUES} distinct values (${placeText(place)} brings another): it is likely an identifier, not a group of people. Bin it into a few groups (e.g. age into age bands) in a column of its own and name that one in "sensitive-features".`);
                }
                index = group.values.length;
                group.values.push(value);
                group.lookup.set(value, index);
            }
            group.index.push(index);
        }
    };
    if (layout) {
        header(layout.header);
        for await (const shard of delimitedShards(path, layout, SHARD_BYTES))
            parseDelimitedShard({ layout, path, shard }, row);
    }
    else
        await readTable(path, format, { header, row });
    if (!positions)
        throw new errors/* UserError */.yo(`The predictions file "${path}" is empty: it needs a header row and one row per example.`);
    if (rows === 0)
        throw new errors/* UserError */.yo(builder.dropped.rows
            ? `The predictions file "${path}": every row's label is missing (${builder.dropped.rows} rows dropped, as "missing-labels: drop" asks), so there is nothing to evaluate.`
            : `The predictions file "${path}" has a header but no rows: there is nothing to evaluate.`);
    return {
        set: builder.build(),
        rows,
        dropped: { ...builder.dropped },
        probabilityProblem: builder.probabilityProblem,
        labelsSha256: labels.digest(),
        slices: sliceColumns.map(({ column, values, index }) => ({
            column,
            values,
            index: index.finish(),
        })),
        sensitive: sensitiveColumns.map(({ column, values, index }) => ({
            column,
            values,
            index: index.finish(),
        })),
    };
}
/**
 * Bytes of a CSV or TSV file split at a time. A few blocks, their text and their cells await
 * collection at once: blocks of 4 MiB made them most of the reader's fixed memory.
 */
const SHARD_BYTES = 2 ** 20;
/**
 * sha256 of the labels, each followed by a newline, written a block of UTF-8 at a time: an
 * update per row cost a tenth of reading a million-row file, and a string of pending labels,
 * built a row at a time, lived long enough to be promoted to V8's old generation (tens of
 * megabytes of garbage at the read's peak).
 */
class LabelDigest {
    hash = (0,external_node_crypto_.createHash)('sha256');
    block = Buffer.allocUnsafe(65536);
    used = 0;
    add(label) {
        // At most 3 bytes of UTF-8 per UTF-16 unit, and the newline.
        if (this.used + label.length * 3 + 1 > this.block.length)
            this.flush();
        if (label.length * 3 + 1 > this.block.length)
            this.hash.update(label);
        else if (label.length === 1 && label.charCodeAt(0) < 0x80)
            this.block[this.used++] = label.charCodeAt(0);
        else
            this.used += this.block.write(label, this.used, 'utf8');
        this.block[this.used++] = 0x0a;
    }
    digest() {
        this.flush();
        return this.hash.digest('hex');
    }
    flush() {
        this.hash.update(this.block.subarray(0, this.used));
        this.used = 0;
    }
}
const placeText = (place) => (typeof place === 'number' ? `line ${place}` : place);
/**
 * A cell as the text the checks read: CSV gives text already; JSON Lines and Parquet give typed
 * values, written as CSV would hold them, so the same data gives the same labels (and the same
 * evaluation-data hash) in every format. A missing value is empty, as in CSV.
 */
function cellText(value) {
    if (value === null || value === undefined)
        return '';
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' || typeof value === 'boolean')
        return String(value);
    return JSON.stringify(value);
}
function locateColumns(path, header, spec) {
    const wanted = [
        ['label-column', spec.label],
        ['prediction-column', spec.prediction],
        ...(spec.scores ?? []).map((s) => ['score-columns', s.column]),
        ...(spec.weight ? [['weight-column', spec.weight]] : []),
        ...(spec.slices ?? []).map((s) => ['slices', s]),
        ...(spec.sensitive ?? []).map((s) => ['sensitive-features', s]),
    ];
    // The first position of each name, through a map: thousands of score columns in a header of thousands.
    const positions = new Map();
    header.forEach((name, i) => positions.has(name) || positions.set(name, i));
    const missing = wanted.filter(([, column]) => !positions.has(column));
    if (missing.length) {
        const names = missing
            .slice(0, 5)
            .map(([input, column]) => `${(0,identifiers/* quoteValue */.cl)(column)} (input ${input})`)
            .join(' and ');
        const more = missing.length > 5 ? ` and ${missing.length - 5} more` : '';
        throw new errors/* UserError */.yo(`The predictions file "${path}" has no column ${names}${more}. Its columns are: ${someQuoted(header, 20)}.`);
    }
    const position = (column) => positions.get(column);
    return {
        label: position(spec.label),
        prediction: position(spec.prediction),
        scores: (spec.scores ?? []).map((s) => position(s.column)),
        weight: spec.weight ? position(spec.weight) : undefined,
        slices: (spec.slices ?? []).map(position),
        sensitive: (spec.sensitive ?? []).map(position),
    };
}
/** One value of the file, which knows where it is for the error message. */
class Cell {
    path;
    where;
    column;
    text;
    constructor(path, 
    /** "line 12" in a text file, "data row 12" in Parquet. */
    where, column, text) {
        this.path = path;
        this.where = where;
        this.column = column;
        this.text = text;
    }
    fail(problem, advice) {
        throw new errors/* UserError */.yo(`The predictions file "${this.path}", ${this.where}, column "${this.column}": ${problem}. ${advice}`);
    }
    required() {
        if (this.text.trim() === '')
            this.fail('the value is empty', 'Every row needs a label and a prediction; drop rows the model did not score.');
        return this.text;
    }
    number(what, advice) {
        const value = this.text.trim() === '' ? Number.NaN : Number(this.text);
        if (!Number.isFinite(value))
            this.fail(`the ${what} ${(0,identifiers/* quoteValue */.cl)(this.text)} is not a finite number`, advice);
        return value;
    }
}
/**
 * Label and prediction values that mean "no value": the empty cell (and JSON null) and the
 * spellings of NaN and NA that pandas and R write for a missing value. A literal `NaN` in a
 * label column is never a class.
 */
const MISSING_VALUES = new Set([
    '',
    'NaN',
    'nan',
    'NAN',
    '-NaN',
    '-nan',
    'NA',
    'N/A',
    'n/a',
    '<NA>',
    'null',
    'NULL',
]);
/** The texts that mean a missing value under `spec`: its missingValues and the empty cell, or MISSING_VALUES. */
function missingValueSet(spec) {
    return spec.missingValues ? new Set(['', ...spec.missingValues]) : MISSING_VALUES;
}
/** A decimal number as pandas and R write one (`0`, `-1.5`, `0.0`, `1e-3`); not `0x10`, `Infinity` or the empty text. */
const predictions_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** The roles of a label or prediction text, as bits. */
const LABEL = 1;
const PREDICTION = 2;
/**
 * The number a text holds, as Cell.number reads it (Number, with the empty or blank text not
 * a number), or undefined when it is not a finite one; without making a Cell.
 */
function finiteNumber(text) {
    // Plain decimals (nearly every probability) through the schema's scanner, which returns
    // Number()'s value at a fifth of its cost; anything else through Number() itself.
    const plain = plainDecimal(text);
    if (plain !== CAST_FAILED && Number.isFinite(plain))
        return plain;
    const value = Number(text);
    if (!Number.isFinite(value) || (value === 0 && text.trim() === ''))
        return undefined;
    return value;
}
/** The class a numeric label stands for: `0`, `0.0`, `0e0` and `-0` are all `0`. */
function numberKey(text) {
    return String(Number(text.trim()));
}
const isNumber = (text) => predictions_NUMBER.test(text.trim());
/**
 * How far a multiclass row of probabilities may sum from 1 and still count as probabilities:
 * 0.005, which covers probabilities rounded to 3 decimals for up to 10 classes and to 4
 * decimals for up to 100 (each rounding moves a row's sum by at most half a unit in the last
 * place). log_loss renormalises every row, as scikit-learn does.
 */
const PROBABILITY_SUM_TOLERANCE = 0.005;
/**
 * Most classes that may occur in the predictions but not among the labels before the two
 * columns count as naming classes differently, when they also cover fewer than half the rows.
 */
const MAX_FOREIGN_PREDICTED_CLASSES = 1;
/**
 * Collects rows into a prediction set. Values are interned as the text they are; whether they
 * are compared as numbers or as text is decided when the set is built, once both columns have
 * been read: numbers when every label and every prediction is a number (`0` and `0.0` are then
 * one class, as in scikit-learn on numeric arrays), text otherwise. Classes are put in
 * scikit-learn's order when the set is built. Values come as cells so that every problem is
 * reported with its line and column; tests feed it cells directly.
 */
class PredictionSetBuilder {
    spec;
    path;
    maxScoreCells;
    /** Distinct label and prediction texts, with where each first occurs. */
    rawLookup = new Map();
    rawTexts = [];
    rawWhere = [];
    rawColumn = [];
    /** Per distinct text, the roles it has been seen in (LABEL, PREDICTION bits). */
    rawRoles = [];
    labels;
    predictions;
    labelsNumeric = true;
    predictionsNumeric = true;
    /** Binary: the classes so far compared as text and as numbers (with the positive class), to fail at the line that brings a third. */
    binaryText = new Set();
    binaryNumbers = new Set();
    labelText = new Set();
    labelNumbers = new Set();
    numericLabels;
    numericPredictions;
    scores;
    weights;
    scoreClasses;
    /** Rows left out for a missing label, and where the first was. */
    dropped = { rows: 0, first: undefined };
    /** Why the probability metrics cannot be computed: the first row whose probabilities are not probabilities. */
    probabilityProblem;
    missing;
    constructor(spec, 
    /** The file, for error messages. */
    path, maxScoreCells = MAX_SCORE_CELLS, 
    /** At most how many rows the file holds, when known: each column is then allocated once. */
    rows) {
        this.spec = spec;
        this.path = path;
        this.maxScoreCells = maxScoreCells;
        this.scoreClasses = (spec.scores ?? []).map((s) => s.class);
        this.missing = missingValueSet(spec);
        this.labels = new CodeColumn(rows);
        this.predictions = new CodeColumn(rows);
        this.numericLabels = new GrowableFloat64(rows);
        this.numericPredictions = new GrowableFloat64(rows);
        this.weights = new GrowableFloat64(rows);
        const width = this.scoreClasses.length;
        // Never more than the most probabilities a file may hold: a file past it is refused.
        this.scores = new GrowableFloat64(rows === undefined ? undefined : Math.min(rows * width, maxScoreCells + width));
        if (spec.task === 'binary' && spec.positive !== undefined) {
            this.binaryText.add(spec.positive);
            this.binaryNumbers.add(isNumber(spec.positive) ? numberKey(spec.positive) : spec.positive);
        }
    }
    /**
     * Adds a row of values that know where they are (tests build rows this way); false when it
     * was left out for a missing label (missing-labels: drop). The score and weight cells are
     * the spec's columns, in its order.
     */
    add(row, scores, weight) {
        const cells = [row.label, row.prediction, ...scores.map((cell) => cell.text)];
        if (weight)
            cells.push(weight.text);
        const at = {
            label: 0,
            prediction: 1,
            scores: scores.map((_, s) => 2 + s),
            weight: weight ? 2 + scores.length : undefined,
            slices: [],
            sensitive: [],
        };
        return this.addRow(row.where, cells, at);
    }
    /**
     * Adds the row of a file, its values at `at` in `cells`; false when it was left out for a
     * missing label. Nothing is made per row but the numbers and class codes kept: where a value
     * is becomes text only for a message (a Cell per value cost two fifths of the read).
     */
    addRow(place, cells, at) {
        const { spec } = this;
        const regression = spec.task === 'regression';
        const label = cellText(cells[at.label]);
        // A text already kept as a label (or a prediction) passed every check of its role: one
        // lookup a value, where checking again cost two.
        const labelId = regression ? -1 : this.known(label, LABEL);
        if (labelId === -1 && this.missing.has(label.trim())) {
            if (spec.missingLabels === 'drop') {
                this.dropped.rows++;
                this.dropped.first ??= placeText(place);
                return false;
            }
            this.cell(place, spec.label, label).fail(label.trim() === ''
                ? 'the label is empty'
                : `the label ${(0,identifiers/* quoteValue */.cl)(label)} is a missing value, not a class`, 'Every row needs its true label: fill it in, or set "missing-labels: drop" to leave such rows out (they are counted in a warning). Which values mean missing is the "missing-values" input.');
        }
        const prediction = cellText(cells[at.prediction]);
        if (regression) {
            const advice = 'A regression task needs numbers there.';
            this.numericLabels.push(finiteNumber(label) ?? this.cell(place, spec.label, label).number('label', advice));
            this.numericPredictions.push(finiteNumber(prediction) ??
                this.cell(place, spec.prediction, prediction).number('prediction', advice));
        }
        else {
            const predictionId = this.known(prediction, PREDICTION);
            if (predictionId === -1) {
                const trimmed = prediction.trim();
                if (trimmed === '')
                    this.cell(place, spec.prediction, prediction).required();
                if (this.missing.has(trimmed)) {
                    throw new errors/* UserError */.yo(`The predictions file "${this.path}", ${placeText(place)}, column "${spec.prediction}": the prediction is ${(0,identifiers/* quoteValue */.cl)(prediction)}, a missing value, not a class. Drop rows the model did not score, or fix the model's output.`);
                }
            }
            this.labels.push(labelId !== -1 ? labelId : this.intern(label, place, spec.label, LABEL));
            this.predictions.push(predictionId !== -1
                ? predictionId
                : this.intern(prediction, place, spec.prediction, PREDICTION));
            if (at.scores.length)
                this.addScores(place, cells, at.scores);
        }
        if (at.weight !== undefined) {
            const text = cellText(cells[at.weight]);
            // Not a number: Cell.number says so, with where it is.
            const value = finiteNumber(text) ??
                this.cell(place, spec.weight, text).number('weight', 'Weights must be numbers, 0 or more.');
            if (value < 0)
                this.cell(place, spec.weight, text).fail(`the weight ${value} is negative`, 'Weights must be 0 or more.');
            this.weights.push(value);
        }
        return true;
    }
    /** A value with where it is, for its error message (a method, not a closure made per row). */
    cell(place, column, text) {
        return new Cell(this.path, placeText(place), column, text);
    }
    addScores(place, cells, at) {
        const width = at.length;
        if (this.rows() * width > this.maxScoreCells) {
            throw new errors/* UserError */.yo(`The predictions file "${this.path}", ${placeText(place)}: more than ${this.maxScoreCells.toLocaleString('en-US')} probabilities (rows × ${width} score columns), more than evaluate-model holds in memory. Evaluate a sample of the rows, or fewer score columns.`);
        }
        const columns = this.spec.scores;
        let sum = 0;
        let problem;
        for (let s = 0; s < width; s++) {
            const text = cellText(cells[at[s]]);
            const p = finiteNumber(text) ??
                new Cell(this.path, placeText(place), columns[s].column, text).number('probability', 'Score columns hold probabilities from 0 to 1.');
            if ((p < 0 || p > 1) && problem === undefined)
                problem = `${p > 1 ? 'y_prob contains values greater than 1.' : 'y_prob contains values less than 0.'} (${placeText(place)}, column "${columns[s].column}": ${p}; score columns hold probabilities, predict_proba, not decision scores)`;
            sum += p;
            this.scores?.push(p);
        }
        if (problem === undefined &&
            this.spec.task === 'multiclass' &&
            Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE) {
            const names = columns
                .slice(0, 5)
                .map((c) => (0,identifiers/* quoteValue */.cl)(c.column))
                .join(', ');
            problem = `Target scores need to be probabilities for multiclass roc_auc, i.e. they should sum up to 1.0 over classes (${placeText(place)}: the probabilities in columns ${names}${width > 5 ? ` and ${width - 5} more` : ''} sum to ${sum}, more than ${PROBABILITY_SUM_TOLERANCE} from 1; list a score column for every class)`;
        }
        if (problem !== undefined && this.probabilityProblem === undefined) {
            // Point metrics need no probabilities: they are still computed; the probabilities are let go.
            this.probabilityProblem = problem;
            this.scores = undefined;
        }
    }
    rows() {
        return this.labels.length;
    }
    /** The id of a text already kept in `role`, or -1. */
    known(text, role) {
        const id = this.rawLookup.get(text);
        return id !== undefined && (this.rawRoles[id] & role) !== 0 ? id : -1;
    }
    /**
     * The id of a label or prediction text. A text already seen in the same role (label or
     * prediction) returns at once: what the slow path learns from a text (whether it is a
     * number, the binary task's classes) it learns the first time.
     */
    intern(text, place, column, role) {
        let id = this.rawLookup.get(text);
        if (id !== undefined && (this.rawRoles[id] & role) !== 0)
            return id;
        const label = role === LABEL;
        const numeric = isNumber(text);
        if (label ? this.labelsNumeric && !numeric : this.predictionsNumeric && !numeric) {
            if (label)
                this.labelsNumeric = false;
            else
                this.predictionsNumeric = false;
            this.checkBinary(text, place, column, label);
        }
        if (id === undefined) {
            id = this.rawTexts.length;
            this.rawLookup.set(text, id);
            this.rawTexts.push(text);
            this.rawWhere.push(place);
            this.rawColumn.push(column);
            this.rawRoles.push(0);
        }
        this.rawRoles[id] |= role;
        if (this.spec.task === 'binary') {
            const before = this.binaryText.size + this.binaryNumbers.size;
            this.binaryText.add(text);
            if (numeric)
                this.binaryNumbers.add(numberKey(text));
            if (label) {
                this.labelText.add(text);
                if (numeric)
                    this.labelNumbers.add(numberKey(text));
            }
            if (this.binaryText.size + this.binaryNumbers.size !== before)
                this.checkBinary(text, place, column, label);
        }
        return id;
    }
    /**
     * A binary task fails at the value that makes a third class however the columns end up
     * compared: as text (a column that is not all numbers), or as numbers with three values.
     */
    checkBinary(text, place, column, label) {
        if (this.spec.task !== 'binary')
            return;
        const numeric = this.labelsNumeric && this.predictionsNumeric;
        const classes = numeric ? this.binaryNumbers : this.binaryText;
        if (this.binaryText.size <= 2 || (numeric && this.binaryNumbers.size <= 2))
            return;
        const own = numeric && isNumber(text) ? numberKey(text) : text;
        const others = [...classes].filter((c) => c !== own).slice(0, 2);
        new Cell(this.path, placeText(place), column, text).fail(`${(0,identifiers/* quoteValue */.cl)(text)} is a third class beside ${others.map(identifiers/* quoteValue */.cl).join(' and ')}, but "task" is binary (positive class ${(0,identifiers/* quoteValue */.cl)(this.spec.positive)})`, this.binaryAdvice(text, label, numeric));
    }
    /** What to do about a third class, for the file in front of it. */
    binaryAdvice(text, label, numeric) {
        const input = label ? 'label-column' : 'prediction-column';
        const value = Number(text);
        if (isNumber(text) && value > 0 && value < 1)
            return `The column seems to hold probabilities, not classes: point "${input}" at the column of classes, and "score-columns" at the probability of the positive class.`;
        const labelClasses = numeric ? this.labelNumbers : this.labelText;
        if (label && labelClasses.size > 2)
            return 'The labels hold more than two classes: use task: multiclass, which compares labels and predictions as the same values (0 and 0.0 as one class when both columns hold numbers).';
        if (!label && this.labelsNumeric !== this.predictionsNumeric)
            return `The labels are ${this.labelsNumeric ? 'numbers' : 'text'} and the predictions ${this.predictionsNumeric ? 'numbers' : 'text'}: write the predicted classes as the labels are written, so that they compare.`;
        const positive = this.spec.positive ?? '';
        const positiveKey = numeric && isNumber(positive) ? numberKey(positive) : positive;
        if (!labelClasses.has(positiveKey))
            return `The positive class ${(0,identifiers/* quoteValue */.cl)(positive)} is not among the labels (${[...labelClasses].slice(0, 2).map(identifiers/* quoteValue */.cl).join(', ')}): set "positive-label" to the label of the positive class.`;
        return 'The predictions name a class the labels do not have: check that "prediction-column" holds the predicted class, written as the labels are.';
    }
    /** The set, with classes in scikit-learn's order. */
    build() {
        const { spec, path } = this;
        const weights = this.weights.length ? this.weights.finish() : undefined;
        if (weights && !weights.some((w) => w > 0))
            throw new errors/* UserError */.yo(`The predictions file "${path}": every weight in column "${spec.weight}" is 0, so no row counts.`);
        if (spec.task === 'regression')
            return {
                task: 'regression',
                labels: this.numericLabels.finish(),
                predictions: this.numericPredictions.finish(),
                weights,
            };
        const numeric = this.labelsNumeric && this.predictionsNumeric;
        const keyOf = (text) => (numeric && isNumber(text) ? numberKey(text) : text);
        // Each distinct text's class, numbered by first appearance.
        const keyIndex = new Map();
        const keys = [];
        const rawClass = Int32Array.from(this.rawTexts, (text) => {
            const key = keyOf(text);
            let index = keyIndex.get(key);
            if (index === undefined) {
                index = keys.length;
                keyIndex.set(key, index);
                keys.push(key);
            }
            return index;
        });
        const labels = this.labels.finish();
        const predictions = this.predictions.finish();
        for (let i = 0; i < labels.length; i++) {
            labels[i] = rawClass[labels[i]];
            predictions[i] = rawClass[predictions[i]];
        }
        const scoreClasses = this.scoredClasses(keyOf);
        if (spec.task === 'multiclass') {
            if (scoreClasses.length)
                this.checkScored(new Set(scoreClasses), keyOf);
            this.checkOverlap(keys, labels, predictions);
        }
        // Classes that occur in the rows (the positive class may not), in scikit-learn's order.
        const seen = new Uint8Array(keys.length);
        for (let i = 0; i < labels.length; i++)
            seen[labels[i]] = seen[predictions[i]] = 1;
        const classes = sortClasses(keys.filter((_, c) => seen[c]));
        const renumber = renumbering(keys, classes);
        for (let i = 0; i < labels.length; i++) {
            labels[i] = renumber[labels[i]];
            predictions[i] = renumber[predictions[i]];
        }
        const set = { task: spec.task, classes, labels, predictions, weights };
        if (spec.task === 'binary')
            set.positive = keyOf(spec.positive);
        if (this.scores && this.scores.length) {
            set.scores = this.scores.finish();
            if (spec.task === 'multiclass')
                set.scoreClasses = scoreClasses;
        }
        return set;
    }
    /** The scored classes as the labels are compared; two columns for one class are refused. */
    scoredClasses(keyOf) {
        const seen = new Map();
        return this.scoreClasses.map((name) => {
            const key = keyOf(name);
            const other = seen.get(key);
            if (other !== undefined)
                throw new errors/* UserError */.yo(`Input "score-columns" lists classes ${(0,identifiers/* quoteValue */.cl)(other)} and ${(0,identifiers/* quoteValue */.cl)(name)}, which are the same number, as the labels of "${this.path}" are compared. List each class once.`);
            seen.set(key, name);
            return key;
        });
    }
    /** Every class of a multiclass file needs a probability column: fails at the first value without one. */
    checkScored(scored, keyOf) {
        const id = this.rawTexts.findIndex((text) => !scored.has(keyOf(text)));
        if (id === -1)
            return;
        new Cell(this.path, placeText(this.rawWhere[id]), this.rawColumn[id], this.rawTexts[id]).fail(`the class ${(0,identifiers/* quoteValue */.cl)(this.rawTexts[id])} has no probability column; "score-columns" covers ${someQuoted(this.scoreClasses)}`, 'List one column per class.');
    }
    /**
     * Labels and predictions that barely share a class name their classes differently (`cat` and
     * `0`, or `0` and `0.0` beside text): fail with both sets shown rather than report a
     * meaningless accuracy. A weak model that predicts one foreign class is not refused.
     */
    checkOverlap(keys, labels, predictions) {
        const isLabel = new Uint8Array(keys.length);
        const isPrediction = new Uint8Array(keys.length);
        for (let i = 0; i < labels.length; i++)
            isLabel[labels[i]] = isPrediction[predictions[i]] = 1;
        let matching = 0;
        for (let i = 0; i < predictions.length; i++)
            matching += isLabel[predictions[i]];
        const foreign = keys.filter((_, c) => isPrediction[c] && !isLabel[c]);
        if (foreign.length <= MAX_FOREIGN_PREDICTED_CLASSES || matching * 2 >= predictions.length)
            return;
        const { spec } = this;
        throw new errors/* UserError */.yo(`The predictions file "${this.path}": the labels (column "${spec.label}") and the predictions (column "${spec.prediction}") barely share a class: ${matching} of ${predictions.length} predictions are classes found among the labels. Labels: ${someQuoted(keys.filter((_, c) => isLabel[c]), 10)}. Predictions: ${someQuoted(keys.filter((_, c) => isPrediction[c]), 10)}. Write the predicted classes as the labels are written (the same names, or the same numbers).`);
    }
}
/** The first few names, quoted, for a message that must stay short with thousands of classes or columns. */
function someQuoted(names, shown = 5) {
    const first = names.slice(0, shown).map(identifiers/* quoteValue */.cl).join(', ');
    return names.length > shown ? `${first} and ${names.length - shown} more` : first;
}
/** Each class's index in `to` (-1: absent), through a map: an indexOf per class is quadratic in thousands of classes. */
function renumbering(from, to) {
    const index = new Map(to.map((name, i) => [name, i]));
    return Int32Array.from(from, (name) => index.get(name) ?? -1);
}
/** The rows of a set at `rows`, with classes renumbered to those the rows hold (as scikit-learn sees a subset). */
function subsetPredictions(set, rows) {
    const pick = (values, width = 1) => {
        const out = new values.constructor(rows.length * width);
        for (let j = 0; j < rows.length; j++)
            for (let c = 0; c < width; c++)
                out[j * width + c] = values[rows[j] * width + c];
        return out;
    };
    const weights = set.weights && pick(set.weights);
    if (set.task === 'regression')
        return {
            task: 'regression',
            labels: pick(set.labels),
            predictions: pick(set.predictions),
            weights,
        };
    const labels = pick(set.labels);
    const predictions = pick(set.predictions);
    const present = new Uint8Array(set.classes.length);
    for (let j = 0; j < rows.length; j++)
        present[labels[j]] = present[predictions[j]] = 1;
    const classes = set.classes.filter((_, c) => present[c]);
    const renumber = renumbering(set.classes, classes);
    for (let j = 0; j < rows.length; j++) {
        labels[j] = renumber[labels[j]];
        predictions[j] = renumber[predictions[j]];
    }
    const width = set.task === 'binary' ? 1 : (set.scoreClasses?.length ?? 0);
    return {
        ...set,
        classes,
        labels,
        predictions,
        weights,
        scores: set.scores && pick(set.scores, width),
    };
}
/**
 * A column of numbers of unknown length. With a capacity (the file's line count) it is one
 * array of that length, and `finish` hands out its first `length` entries without a copy;
 * past the capacity (or without one) it grows in chunks, never copying what it holds (a
 * doubling array holds the old and the new array at once), and `finish` copies it once.
 */
class Column {
    make;
    capacity;
    chunks = [];
    current;
    used = 0;
    length = 0;
    constructor(make, capacity = CHUNK) {
        this.make = make;
        this.capacity = capacity;
    }
    push(value) {
        if (this.current === undefined)
            this.current = this.make(Math.max(1, this.capacity));
        else if (this.used === this.current.length) {
            this.chunks.push(this.current);
            this.current = this.make(CHUNK);
            this.used = 0;
        }
        this.current[this.used++] = value;
        this.length++;
    }
    finish() {
        const current = this.current ?? this.make(0);
        if (this.chunks.length === 0)
            return current.subarray(0, this.used);
        const out = this.make(this.length);
        let at = 0;
        for (const chunk of this.chunks) {
            out.set(chunk, at);
            at += chunk.length;
        }
        out.set(current.subarray(0, this.used), at);
        this.chunks.length = 0;
        return out;
    }
}
/** Values per chunk of a column past its capacity: 512 KB of float64. */
const CHUNK = 65536;
class GrowableFloat64 extends Column {
    constructor(capacity) {
        super((length) => new Float64Array(length), capacity);
    }
}
class GrowableInt32 extends Column {
    constructor(capacity) {
        super((length) => new Int32Array(length), capacity);
    }
}
/**
 * Class ids per row (the distinct label and prediction texts, numbered): a byte each while the
 * file has brought fewer than 256 texts, which is nearly always; past that the bytes are copied
 * once into words. A binary million-row file holds 2 MB of ids instead of 8.
 */
class CodeColumn {
    capacity;
    bytes;
    words;
    constructor(capacity) {
        this.capacity = capacity;
        this.bytes = new Column((length) => new Uint8Array(length), capacity);
    }
    get length() {
        return this.words ? this.words.length : this.bytes.length;
    }
    push(id) {
        if (this.words)
            return this.words.push(id);
        if (id < 256)
            return this.bytes.push(id);
        const bytes = this.bytes.finish();
        this.bytes = undefined;
        this.words = new GrowableInt32(this.capacity);
        for (const held of bytes)
            this.words.push(held);
        this.words.push(id);
    }
    /** Built sets renumber ids in place to class indices, which are never more: they fit the same width. */
    finish() {
        return this.words ? this.words.finish() : this.bytes.finish();
    }
}
/**
 * At most how many rows a CSV or TSV file holds: its newline bytes, counted a block at a time
 * before it is read, so that each column is allocated once at its size. About a hundredth of
 * the read (a few milliseconds for ten megabytes), where growing the columns as they fill
 * would hold the old and the new array of each at once. Lone \r line ends are not counted:
 * such a file's columns grow past the count in chunks.
 */
async function recordCapacity(path) {
    let handle;
    try {
        handle = await (0,promises_.open)(path, 'r');
        const block = new Uint8Array(1 << 20);
        let lines = 1;
        for (;;) {
            const { bytesRead } = await handle.read(block, 0, block.length);
            if (bytesRead === 0)
                return lines;
            lines += countByte(block, 0x0a, bytesRead);
        }
    }
    catch {
        return undefined; // only a hint: the read that follows reports the problem
    }
    finally {
        await handle?.close();
    }
}
/**
 * At most how many rows a text file holds: its line breaks, counted in one streaming pass
 * before it is read, so that each column is allocated once at about its size (Parquet: none).
 */
async function lineCapacity(path, format) {
    if (format === 'parquet')
        return undefined;
    try {
        const text = await openText(path);
        let lines = 1;
        for await (const chunk of text)
            lines += countNewlines(chunk);
        return lines;
    }
    catch {
        // Only a hint: the read that follows meets the same problem (bad UTF-8, a truncated gzip,
        // a missing file) and reports it as a data error at its line.
        return undefined;
    }
}

;// CONCATENATED MODULE: ./shared/metrics/evaluate-predictions.ts





async function evaluatePredictions(path, format, spec, options) {
    const fairness = options.fairness?.attributes.length ? options.fairness : undefined;
    const read = await readPredictions(path, format, fairness ? { ...spec, sensitive: sensitiveColumns(fairness.attributes) } : spec);
    const warnings = [];
    if (read.dropped.rows)
        warnings.push(`Left out ${read.dropped.rows} rows of "${path}" whose label is missing (the first at ${read.dropped.first}), as "missing-labels: drop" asks: the metrics cover the other ${read.rows} rows.`);
    if (read.probabilityProblem)
        warnings.push(`The probabilities in "${path}" are not probabilities, so the metrics that need them are not computed (the others are): ${read.probabilityProblem}.`);
    let bootstrap = options.bootstrap;
    if (bootstrap) {
        const set = read.set;
        const shape = {
            rows: read.rows,
            classes: set.task === 'regression' ? 0 : set.classes.length,
            scoreColumns: spec.scores?.length ?? 0,
            sliceColumns: read.slices.length,
            sensitive: fairness !== undefined,
        };
        const bounded = boundedResamples(bootstrap.resamples, shape, path, options.workBudget);
        if (bounded.warning)
            warnings.push(bounded.warning);
        bootstrap = { ...bootstrap, resamples: bounded.resamples };
    }
    const whole = evaluateSet(read.set, bootstrap);
    const slices = {};
    const info = {};
    for (const slice of read.slices) {
        const members = slice.values.map(() => []);
        slice.index.forEach((value, row) => members[value].push(row));
        slice.values.forEach((value, v) => {
            const name = `${slice.column}=${value}`;
            const rows = Uint32Array.from(members[v]);
            const sliceBootstrap = bootstrap && { ...bootstrap, seed: derivedSeed(bootstrap.seed, name) };
            slices[name] = evaluateSet(subsetPredictions(read.set, rows), sliceBootstrap).metrics;
            info[name] = {
                column: slice.column,
                value,
                rows: rows.length,
                small: rows.length < options.minSliceSize,
            };
        });
    }
    const headline = read.set.task === 'regression' ? 'rmse' : 'accuracy';
    return {
        rows: read.rows,
        labelsSha256: read.labelsSha256,
        metrics: whole.metrics,
        skipped: skippedMetrics(spec, whole, read.probabilityProblem),
        confusion: whole.confusion,
        residuals: whole.prepared.residuals,
        slices,
        sliceSummary: read.slices.length
            ? { minSize: options.minSliceSize, slices: info, headline, gaps: sliceGaps(slices, info) }
            : undefined,
        bootstrap,
        warnings,
        ...(fairness
            ? {
                fairness: evaluateFairness(read.set, read.sensitive, {
                    ...fairness,
                    dataSha256: read.labelsSha256,
                    path,
                    bootstrap,
                }),
            }
            : {}),
    };
}
/** The task's metrics that the evaluation does not hold, each with why. */
function skippedMetrics(spec, whole, probabilityProblem) {
    const { point, probability } = taskMetrics(spec.task);
    const skipped = {};
    for (const name of point)
        if (!(name in whole.metrics))
            skipped[name] = whole.prepared.why(name) ?? 'undefined on these rows';
    for (const name of probability) {
        if (name in whole.metrics)
            continue;
        skipped[name] = !spec.scores?.length
            ? 'no probabilities: "score-columns" is empty'
            : (probabilityProblem ?? whole.prepared.why(name) ?? 'undefined on these rows');
    }
    return skipped;
}
function evaluateSet(set, bootstrap) {
    const prepared = prepareMetrics(set);
    const point = prepared.evaluate(set.weights ?? null);
    const intervals = bootstrap ? bootstrapIntervals(prepared, Object.keys(point), bootstrap) : {};
    const metrics = {};
    for (const [name, value] of Object.entries(point))
        metrics[name] = intervals[name]
            ? { value, ci: intervals[name], n: prepared.rows }
            : { value, n: prepared.rows };
    return { metrics, confusion: prepared.confusion, prepared };
}
function sliceGaps(slices, info) {
    const gaps = {};
    const large = Object.keys(slices).filter((name) => !info[name].small);
    const metricNames = new Set(large.flatMap((name) => Object.keys(slices[name])));
    for (const metric of metricNames) {
        const lower = lowerIsBetter(metric);
        let best;
        let worst;
        let count = 0;
        for (const name of large) {
            const value = slices[name][metric]?.value;
            if (value === undefined)
                continue;
            count++;
            if (!best || (lower ? value < best[1] : value > best[1]))
                best = [name, value];
            if (!worst || (lower ? value > worst[1] : value < worst[1]))
                worst = [name, value];
        }
        if (count >= 2 && best && worst)
            gaps[metric] = {
                best: best[0],
                bestValue: best[1],
                worst: worst[0],
                worstValue: worst[1],
                gap: Math.abs(best[1] - worst[1]),
            };
    }
    return gaps;
}

;// CONCATENATED MODULE: ./shared/metrics/report.ts
/**
 * The metrics report, the contract between evaluate-model, compare-metrics and promote-model.
 * compare-metrics and promote-model also take plain or nested metrics files of the user's own
 * (JSON or YAML, as DVC and DVCLive write them): nested keys are joined with dots.
 */






const METRICS_REPORT_FORMAT = 'mlops-actions/metrics-report@1';
const metricValue = schemas/* object */.Ikc({
    value: schemas/* number */.aig(),
    ci: schemas/* tuple */.PVZ([schemas/* number */.aig(), schemas/* number */.aig()]).optional(),
    n: schemas/* number */.aig().int().nonnegative().optional(),
});
/** Most classes a confusion matrix of a report or a comparison holds (compute.ts keeps 50). */
const MAX_MATRIX_CLASSES = 200;
const confusionMatrixSchema = schemas/* object */.Ikc({
    classes: schemas/* array */.YOg(schemas/* string */.YjP()).max(MAX_MATRIX_CLASSES),
    matrix: schemas/* array */.YOg(schemas/* array */.YOg(schemas/* number */.aig()).max(MAX_MATRIX_CLASSES)).max(MAX_MATRIX_CLASSES),
    totalClasses: schemas/* number */.aig().int().positive().optional(),
})
    .refine((m) => m.matrix.length === m.classes.length &&
    m.matrix.every((row) => row.length === m.classes.length), { error: 'the confusion matrix must have one row and one column per class' });
const residualQuantilesSchema = schemas/* object */.Ikc({
    p5: schemas/* number */.aig(),
    p25: schemas/* number */.aig(),
    p50: schemas/* number */.aig(),
    p75: schemas/* number */.aig(),
    p95: schemas/* number */.aig(),
});
const metricsReportSchema = schemas/* object */.Ikc({
    format: schemas/* literal */.euz(METRICS_REPORT_FORMAT),
    // The model and version become outputs (compare-metrics' baseline-version) and are matched
    // against the manifest's, so they are identifiers.
    model: (0,identifiers/* identifier */.Cv)('model name'),
    version: (0,identifiers/* identifier */.Cv)('model version').optional(),
    fingerprint: schemas/* string */.YjP().optional(),
    task: schemas/* enum */.k5n(['binary', 'multiclass', 'regression']).optional(),
    evaluation: schemas/* object */.Ikc({
        predictions: schemas/* string */.YjP(),
        predictionsSha256: schemas/* string */.YjP(),
        /** sha256 of the true labels in row order: equal when two models were scored on the same examples. */
        dataSha256: schemas/* string */.YjP(),
        rows: schemas/* number */.aig().int().nonnegative(),
        /** How long computing the metrics took, for the comment's cost line. */
        seconds: schemas/* number */.aig().nonnegative().max(1e9).optional(),
    })
        .optional(),
    metrics: schemas/* record */.g1P(schemas/* string */.YjP(), metricValue),
    /** Metrics the task defines that could not be computed, each with the reason (scikit-learn's words where it has some). */
    skipped: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* string */.YjP()).optional(),
    /** Per slice (`column=value`), the same metrics on the slice's rows. */
    slices: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* record */.g1P(schemas/* string */.YjP(), metricValue)).default({}),
    /** Each slice's rows and whether it is under the minimum size; the largest gap per metric. */
    sliceSummary: schemas/* object */.Ikc({
        minSize: schemas/* number */.aig().int().nonnegative(),
        headline: schemas/* string */.YjP(),
        slices: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* object */.Ikc({
            column: schemas/* string */.YjP(),
            value: schemas/* string */.YjP(),
            rows: schemas/* number */.aig().int().nonnegative(),
            small: schemas/* boolean */.zMY(),
        })),
        gaps: schemas/* record */.g1P(schemas/* string */.YjP(), schemas/* object */.Ikc({
            best: schemas/* string */.YjP(),
            bestValue: schemas/* number */.aig(),
            worst: schemas/* string */.YjP(),
            worstValue: schemas/* number */.aig(),
            gap: schemas/* number */.aig(),
        })),
    })
        .optional(),
    /**
     * Classification: weighted counts, rows = true class, columns = predicted class, in `classes`
     * order. With more than MAX_REPORTED_CLASSES (50) classes, `classes` are those with the most
     * rows, `totalClasses` counts them all, and rows of the others (and their per-class metrics)
     * are left out.
     */
    confusionMatrix: confusionMatrixSchema.optional(),
    /** Regression: quantiles of prediction − label (weighted as the metrics are), see regression.ts. */
    residuals: residualQuantilesSchema.optional(),
    /** How the confidence intervals were computed; `requested` when the work budget allowed fewer resamples. */
    bootstrap: schemas/* object */.Ikc({
        method: schemas/* string */.YjP(),
        resamples: schemas/* number */.aig().int().positive(),
        requested: schemas/* number */.aig().int().positive().optional(),
        confidence: schemas/* number */.aig(),
        seed: schemas/* number */.aig().int(),
    })
        .optional(),
    /** Per sensitive attribute, the groups' rates and the disparity measures (fairness-report.ts). */
    fairness: fairnessReportSchema.optional(),
});
/** What compare-metrics takes from a metrics report, read from a file or a release asset. */
function loadedFromReport(report, source) {
    return {
        source,
        model: report.model,
        version: report.version,
        fingerprint: report.fingerprint,
        evaluationSha256: report.evaluation?.dataSha256,
        evaluationSeconds: report.evaluation?.seconds,
        metrics: report.metrics,
        skipped: report.skipped,
        slices: report.slices,
        ...(report.confusionMatrix ? { confusion: report.confusionMatrix } : {}),
        ...(report.residuals ? { residuals: report.residuals } : {}),
        ...(report.fairness ? { fairness: report.fairness } : {}),
    };
}
async function loadMetrics(path, what, baseDir = process.cwd()) {
    const text = await read_file_readUserFile(path, what, baseDir);
    const value = await parseStructured(text, path, what);
    if (value &&
        typeof value === 'object' &&
        value.format === METRICS_REPORT_FORMAT) {
        const report = await validateStructured(value, metricsReportSchema, { path, what, text });
        return loadedFromReport(report, path);
    }
    const metrics = flattenMetrics(value, path, what);
    if (Object.keys(metrics).length === 0)
        throw new errors/* UserError */.yo(`The ${what} "${path}" holds no numeric metrics. Expected a metrics report from evaluate-model or a JSON/YAML object of numbers.`);
    return { source: path, metrics };
}
/**
 * Flattens nested objects of numbers the way DVC does (`{"val": {"acc": 0.9}}` → `val.acc`).
 * Booleans, strings and nulls are not metrics and are left out; arrays are not supported.
 */
function flattenMetrics(value, path, what) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new errors/* UserError */.yo(`The ${what} "${path}" must be a JSON or YAML object of metrics (name: number); its top level is ${Array.isArray(value) ? 'a list' : typeof value}.`);
    }
    const out = {};
    const walk = (node, prefix) => {
        for (const [key, child] of Object.entries(node)) {
            const name = prefix ? `${prefix}.${key}` : key;
            if (typeof child === 'number')
                out[name] = { value: child };
            else if (child && typeof child === 'object' && !Array.isArray(child))
                walk(child, name);
        }
    };
    walk(value, '');
    return out;
}
function metricValues(loaded) {
    return Object.fromEntries(Object.entries(loaded.metrics).map(([name, metric]) => [name, metric.value]));
}

;// CONCATENATED MODULE: ./shared/metrics/candidate-report.ts





async function reportFromMetricsFile(path, identity) {
    const loaded = await loadMetrics(path, 'metrics file');
    return { ...identity, metrics: loaded.metrics, slices: {} };
}
async function reportFromPredictions(request, identity, log) {
    const { predictions, spec } = request;
    const format = detectFormat(predictions, 'predictions file', 'Rename the file to match.');
    const bootstrap = request.bootstrap > 0
        ? { resamples: request.bootstrap, confidence: request.confidence, seed: request.seed }
        : undefined;
    const started = performance.now();
    const evaluation = await evaluatePredictions(predictions, format, spec, {
        bootstrap,
        minSliceSize: request.minSliceSize,
        fairness: request.fairness,
    });
    for (const warning of evaluation.warnings)
        log.warning(warning);
    const ran = evaluation.bootstrap;
    return {
        ...identity,
        task: spec.task,
        evaluation: {
            predictions,
            predictionsSha256: await sha256File(predictions, 'predictions file'),
            dataSha256: evaluation.labelsSha256,
            rows: evaluation.rows,
            seconds: (performance.now() - started) / 1000,
        },
        metrics: evaluation.metrics,
        ...(Object.keys(evaluation.skipped).length ? { skipped: evaluation.skipped } : {}),
        slices: evaluation.slices,
        sliceSummary: evaluation.sliceSummary,
        confusionMatrix: evaluation.confusion,
        ...(evaluation.residuals ? { residuals: evaluation.residuals } : {}),
        ...(evaluation.fairness ? { fairness: evaluation.fairness } : {}),
        bootstrap: ran && {
            method: BOOTSTRAP_METHOD,
            ...ran,
            ...(ran.resamples < request.bootstrap ? { requested: request.bootstrap } : {}),
        },
    };
}

;// CONCATENATED MODULE: ./shared/metrics/fairness-summary.ts
/**
 * The Fairness part of evaluate-model's job summary: per attribute, the groups' rows and rates
 * and the measures with their intervals. Groups are data about people and a summary is public
 * in a public repository: it shows group names, counts and rates, never rows, and the groups
 * under min-group-size are merged into one line (publishableGroups). The full table stays in
 * the report.
 */


const format = (value) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
const rate = (value) => value === undefined ? '' : value === null ? 'undefined' : format(value);
/** Longest a group name is shown: a value from the predictions file. */
const MAX_NAME = 60;
const shown = (name) => (0,markdown_escape/* escapeMarkdown */.FV)([...name].length > MAX_NAME ? `${[...name].slice(0, MAX_NAME - 1).join('')}…` : name);
/** Most measure lines per attribute (multiclass has six per class); the rest are in the report. */
const MAX_MEASURE_LINES = 18;
/** Most notes per attribute. */
const fairness_summary_MAX_NOTES = 5;
function renderFairnessSummary(fairness, level) {
    const parts = ['#### Fairness'];
    for (const [attribute, section] of Object.entries(fairness)) {
        const lines = publishableGroups(section);
        const sample = Object.values(section.groups)[0];
        const task = sample?.selectionRate !== undefined
            ? 'binary'
            : sample?.meanPrediction !== undefined
                ? 'regression'
                : 'multiclass';
        const metricNames = task === 'multiclass'
            ? ['accuracy', 'f1_macro']
            : task === 'regression'
                ? ['mae', 'rmse']
                : [];
        const header = [
            'Group',
            'Rows',
            ...(task === 'binary' ? ['Selection rate', 'TPR', 'FPR'] : []),
            ...(task === 'regression' ? ['Mean prediction'] : []),
            ...metricNames,
        ];
        const row = (line) => {
            const group = line.merged ? undefined : section.groups[line.name];
            return [
                line.merged ? (0,markdown_escape/* escapeMarkdown */.FV)(line.name) : shown(line.name),
                String(line.rows),
                ...(task === 'binary'
                    ? [rate(line.selectionRate), rate(line.truePositiveRate), rate(line.falsePositiveRate)]
                    : []),
                ...(task === 'regression' ? [rate(line.meanPrediction)] : []),
                ...metricNames.map((m) => {
                    const metric = group?.metrics[m];
                    return metric ? format(metric.value) : '';
                }),
            ];
        };
        parts.push(`**${shown(attribute)}**${section.columns.length > 1 ? ' (intersection)' : ''}`, (0,markdown_escape/* markdownTable */.Qj)(header, lines.map(row)));
        const measures = Object.entries(section.measures);
        if (measures.length) {
            const measureRows = measures
                .slice(0, MAX_MEASURE_LINES)
                .map(([name, m]) => [
                (0,markdown_escape/* escapeMarkdown */.FV)(name),
                m.value === null ? 'undefined' : format(m.value),
                ...(level ? [m.ci ? `${format(m.ci[0])} – ${format(m.ci[1])}` : ''] : []),
                m.worstGroup === undefined ? '' : shown(m.worstGroup),
            ]);
            parts.push((0,markdown_escape/* markdownTable */.Qj)(['Measure', 'Value', ...(level ? [level] : []), 'Worst group'], measureRows));
            if (measures.length > MAX_MEASURE_LINES)
                parts.push(`${measures.length - MAX_MEASURE_LINES} more measures are in the metrics report.`);
        }
        const notes = section.notes.slice(0, fairness_summary_MAX_NOTES).map((note) => `- ${(0,markdown_escape/* escapeMarkdown */.FV)(note)}`);
        if (section.notes.length > fairness_summary_MAX_NOTES)
            notes.push(`- ${section.notes.length - fairness_summary_MAX_NOTES} more notes are in the metrics report.`);
        if (notes.length)
            parts.push(notes.join('\n'));
    }
    return parts.join('\n\n');
}

;// CONCATENATED MODULE: ./shared/metrics/summary.ts
/** The job summary of an evaluation: metrics with their intervals, per-class values, the confusion matrix and slices. */


const summary_format = (value) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
/** Class names are labels from the predictions file: escaped, and cut so that one long label cannot fill the summary. */
const MAX_CLASS_NAME = 60;
const className = (name) => (0,markdown_escape/* escapeMarkdown */.FV)([...name].length > MAX_CLASS_NAME
    ? `${[...name].slice(0, MAX_CLASS_NAME - 1).join('')}…`
    : name);
function renderEvaluationSummary(report) {
    const heading = `### 📏 ${(0,markdown_escape/* escapeMarkdown */.FV)(report.model)}${report.version ? ` version \`${report.version}\`` : ''}${report.evaluation ? ` on ${report.evaluation.rows} examples` : ''}${report.task ? ` (${report.task})` : ''}`;
    const level = report.bootstrap
        ? `${Math.round(report.bootstrap.confidence * 1000) / 10}% CI`
        : undefined;
    const entries = Object.entries(report.metrics);
    // Per-class values (`precision.cat`) go in their own table; a metrics file's dotted names stay in the main one.
    const perClass = report.confusionMatrix
        ? entries.filter(([name]) => /^(precision|recall|f1)\./.test(name))
        : [];
    const main = entries.filter((entry) => !perClass.includes(entry));
    const row = ([name, m]) => [
        (0,markdown_escape/* escapeMarkdown */.FV)(name),
        summary_format(m.value),
        ...(level ? [m.ci ? `${summary_format(m.ci[0])} – ${summary_format(m.ci[1])}` : ''] : []),
        m.n === undefined ? '' : String(m.n),
    ];
    const parts = [
        heading,
        (0,markdown_escape/* markdownTable */.Qj)(['Metric', 'Value', ...(level ? [level] : []), 'n'], main.map(row)),
    ];
    const skipped = Object.entries(report.skipped ?? {});
    if (skipped.length)
        parts.push((0,markdown_escape/* markdownTable */.Qj)(['Not computed', 'Why'], skipped.map(([name, why]) => [(0,markdown_escape/* escapeMarkdown */.FV)(name), (0,markdown_escape/* escapeMarkdown */.FV)(why)])));
    if (report.bootstrap) {
        const { resamples, requested, method, seed } = report.bootstrap;
        const reduced = requested
            ? ` (${requested} were asked for; the bootstrap's work budget allowed ${resamples} on this file)`
            : '';
        parts.push(`Intervals: ${resamples} bootstrap resamples${reduced} (${(0,markdown_escape/* escapeMarkdown */.FV)(method)}), seed ${seed}.`);
    }
    if (report.confusionMatrix) {
        const { classes, matrix, totalClasses } = report.confusionMatrix;
        if (totalClasses !== undefined && totalClasses > classes.length) {
            parts.push(`${totalClasses} classes: per-class values and the confusion matrix show the ${classes.length} with the most rows; the other ${totalClasses - classes.length} are left out there (the averages cover every class).`);
        }
        const details = [
            (0,markdown_escape/* markdownTable */.Qj)(['true ↓ / predicted →', ...classes.map(className)], matrix.map((counts, t) => [className(classes[t]), ...counts.map(summary_format)])),
        ];
        if (perClass.length) {
            const byClass = classes.map((c) => [
                className(c),
                ...['precision', 'recall', 'f1'].map((m) => report.metrics[`${m}.${c}`] ? summary_format(report.metrics[`${m}.${c}`].value) : ''),
            ]);
            details.unshift((0,markdown_escape/* markdownTable */.Qj)(['Class', 'Precision', 'Recall', 'F1'], byClass));
        }
        parts.push(`<details><summary>Per class and confusion matrix</summary>\n\n${details.join('\n\n')}\n\n</details>`);
    }
    const summary = report.sliceSummary;
    if (summary) {
        const headline = summary.headline;
        const rows = Object.entries(summary.slices).map(([name, info]) => {
            const metric = report.slices[name]?.[headline];
            return [
                (0,markdown_escape/* escapeMarkdown */.FV)(name),
                String(info.rows),
                metric ? summary_format(metric.value) : 'undefined',
                metric?.ci ? `${summary_format(metric.ci[0])} – ${summary_format(metric.ci[1])}` : '',
                info.small ? `⚠️ under ${summary.minSize} rows` : '',
            ];
        });
        parts.push(`#### Slices by ${(0,markdown_escape/* escapeMarkdown */.FV)(headline)}`, (0,markdown_escape/* markdownTable */.Qj)(['Slice', 'Rows', (0,markdown_escape/* escapeMarkdown */.FV)(headline), level ?? 'CI', 'Note'], rows));
        const gap = summary.gaps[headline];
        if (gap)
            parts.push(`Worst slice: ${(0,markdown_escape/* escapeMarkdown */.FV)(gap.worst)} (${(0,markdown_escape/* escapeMarkdown */.FV)(headline)} ${summary_format(gap.worstValue)}); largest gap ${summary_format(gap.gap)} against ${(0,markdown_escape/* escapeMarkdown */.FV)(gap.best)}. Slices under ${summary.minSize} rows are shown but not ranked.`);
    }
    if (report.fairness && Object.keys(report.fairness).length)
        parts.push(renderFairnessSummary(report.fairness, level));
    return parts.join('\n\n');
}

// EXTERNAL MODULE: ./shared/action/inputs.ts
var inputs = __nccwpck_require__(21736);
;// CONCATENATED MODULE: ./shared/metrics/score-columns.ts
/**
 * The `score-columns` input of evaluate-model and monitor-model: which column holds the
 * probability of which class.
 */

/** `score-columns` lines: `<class>=<column>`, or a bare column named as its class (binary: the positive class). */
function scoreColumns(lines, task, positive) {
    if (task === 'regression')
        throw new errors/* InputError */.dz('Input "score-columns" holds class probabilities; a regression task has none. Leave it empty.');
    const columns = lines.map((line) => {
        const split = line.indexOf('=');
        return split === -1
            ? { class: task === 'binary' ? positive : line, column: line }
            : { class: line.slice(0, split).trim(), column: line.slice(split + 1).trim() };
    });
    if (task === 'binary') {
        if (columns.length !== 1)
            throw new errors/* InputError */.dz(`For a binary task, input "score-columns" is one column, the probability of the positive class "${positive}"; got ${columns.length}.`);
        if (columns[0].class !== positive)
            throw new errors/* InputError */.dz(`Input "score-columns" gives the probability of class "${columns[0].class}", but the positive class ("positive-label") is "${positive}". Give the positive class's probability.`);
    }
    const repeated = columns.find((c, i) => columns.findIndex((d) => d.class === c.class) !== i);
    if (repeated)
        throw new errors/* InputError */.dz(`Input "score-columns" lists class "${repeated.class}" twice.`);
    return columns;
}

;// CONCATENATED MODULE: ./actions/evaluate-model/src/inputs.ts





const inputs_inputs = schemas/* object */.Ikc({
    'model-name': (0,inputs/* modelName */.fD)(),
    predictions: (0,inputs/* text */.Qq)().optional(),
    metrics: (0,inputs/* text */.Qq)().optional(),
    task: (0,inputs/* choice */.Yq)(['binary', 'multiclass', 'regression']).optional(),
    'label-column': (0,inputs/* text */.Qq)(),
    'prediction-column': (0,inputs/* text */.Qq)(),
    'score-columns': (0,inputs/* pathList */.CN)().optional(),
    'positive-label': (0,inputs/* text */.Qq)(),
    'weight-column': (0,inputs/* text */.Qq)().optional(),
    'missing-labels': (0,inputs/* choice */.Yq)(['error', 'drop']),
    // One value per line, as `slices` lists its columns.
    'missing-values': (0,inputs/* pathList */.CN)().optional(),
    slices: (0,inputs/* pathList */.CN)().optional(),
    'min-slice-size': (0,inputs/* wholeNumber */.rD)(1),
    // One attribute per line; `a,b` for an intersection (parseSensitiveFeatures).
    'sensitive-features': (0,inputs/* pathList */.CN)().optional(),
    'min-group-size': (0,inputs/* wholeNumber */.rD)(1),
    bootstrap: (0,inputs/* wholeNumber */.rD)(0, 100000),
    confidence: (0,inputs/* decimalBetween */.Yh)(0, 1),
    'bootstrap-seed': (0,inputs/* wholeNumber */.rD)(0, 4294967295),
    manifest: (0,inputs/* text */.Qq)().optional(),
});
/** Inputs that describe a predictions file, and so mean nothing beside `metrics`. */
const PREDICTION_INPUTS = [
    'predictions',
    'task',
    'score-columns',
    'weight-column',
    'slices',
    'sensitive-features',
];
/** What to evaluate: a metrics file the user's code wrote, or a predictions file with how to read it. */
function evaluationSource(input) {
    if (input.metrics) {
        const conflicting = PREDICTION_INPUTS.filter((name) => input[name] !== undefined);
        if (conflicting.length)
            throw new errors/* InputError */.dz(`Input "metrics" takes a metrics file your own code wrote, so ${conflicting.map((n) => `"${n}"`).join(', ')} cannot be set beside it: give either "metrics" or "predictions".`);
        return { metrics: input.metrics };
    }
    if (!input.predictions)
        throw new errors/* InputError */.dz('Give either "predictions" (a predictions file to compute metrics from) or "metrics" (a metrics file your own code wrote).');
    if (!input.task)
        throw new errors/* InputError */.dz('Input "task" is required with "predictions": binary, multiclass or regression.');
    const spec = {
        task: input.task,
        label: input['label-column'],
        prediction: input['prediction-column'],
        positive: input.task === 'binary' ? input['positive-label'] : undefined,
        scores: input['score-columns'] &&
            scoreColumns(input['score-columns'], input.task, input['positive-label']),
        weight: input['weight-column'],
        slices: input.slices,
        missingLabels: input['missing-labels'],
        ...(input['missing-values']?.length ? { missingValues: input['missing-values'] } : {}),
    };
    const attributes = input['sensitive-features']?.length
        ? parseSensitiveFeatures(input['sensitive-features'], {
            label: spec.label,
            prediction: spec.prediction,
            scores: spec.scores?.map((s) => s.column),
            weight: spec.weight,
        })
        : undefined;
    return {
        predictions: input.predictions,
        spec,
        bootstrap: input.bootstrap,
        confidence: input.confidence,
        seed: input['bootstrap-seed'],
        minSliceSize: input['min-slice-size'],
        ...(attributes ? { fairness: { attributes, minGroupSize: input['min-group-size'] } } : {}),
    };
}

;// CONCATENATED MODULE: ./actions/evaluate-model/src/run.ts












const evaluateModel = {
    name: 'evaluate-model',
    inputs: inputs_inputs,
    async run(input, runner, step) {
        const model = input['model-name'];
        await confineFileInputs(input, ['predictions', 'metrics', 'manifest'], await stepConfinement(step.workspace, step.tempDir));
        const manifest = input.manifest
            ? await readStructuredFile(input.manifest, manifestSchema, 'manifest')
            : undefined;
        if (manifest && manifest.model.name !== model) {
            throw new errors/* UserError */.yo(`The manifest "${input.manifest}" is for model "${manifest.model.name}", but "model-name" is "${model}". Pass the manifest of the model you evaluate.`);
        }
        const identity = {
            format: METRICS_REPORT_FORMAT,
            model,
            version: manifest?.model.version,
            fingerprint: manifest?.fingerprint,
        };
        const source = evaluationSource(input);
        const report = 'metrics' in source
            ? await reportFromMetricsFile(source.metrics, identity)
            : await reportFromPredictions(source, identity, runner);
        const dir = await (0,context/* createStepDir */.S)(step.tempDir, 'evaluate-model', model);
        const reportPath = (0,external_node_path_.join)(dir, 'metrics.json');
        await (0,promises_.writeFile)(reportPath, JSON.stringify(report, null, 2) + '\n');
        const values = metricValues({ source: reportPath, metrics: report.metrics });
        runner.info(`Evaluated ${model}${report.evaluation ? ` on ${report.evaluation.rows} rows` : ''}: ${Object.entries(values)
            .filter(([name]) => !/^(precision|recall|f1)\./.test(name))
            .map(([name, value]) => `${name}=${value.toPrecision(6)}`)
            .join(', ')}`);
        for (const [name, why] of Object.entries(report.skipped ?? {}))
            runner.info(`Not computed: ${name}: ${why}`);
        runner.appendSummary(renderEvaluationSummary(report));
        const artifact = report.version && artifactServiceAvailable(step.env)
            ? await uploadMetricsArtifact({
                model,
                version: report.version,
                reportPath,
                stagingDir: (0,external_node_path_.join)(dir, 'artifact'),
                log: runner,
            })
            : undefined;
        const set = (name, value) => runner.setOutput(name, value);
        set('metrics', reportPath);
        set('summary', JSON.stringify(values));
        set('artifact-name', artifact?.name ?? '');
    },
};


/***/ }),

/***/ 36030:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   S: () => (/* binding */ createStepDir),
/* harmony export */   a: () => (/* binding */ stepEnvironment)
/* harmony export */ });
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(73024);
/* harmony import */ var node_fs__WEBPACK_IMPORTED_MODULE_0___default = /*#__PURE__*/__nccwpck_require__.n(node_fs__WEBPACK_IMPORTED_MODULE_0__);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(51455);
/* harmony import */ var node_fs_promises__WEBPACK_IMPORTED_MODULE_1___default = /*#__PURE__*/__nccwpck_require__.n(node_fs_promises__WEBPACK_IMPORTED_MODULE_1__);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(48161);
/* harmony import */ var node_os__WEBPACK_IMPORTED_MODULE_2___default = /*#__PURE__*/__nccwpck_require__.n(node_os__WEBPACK_IMPORTED_MODULE_2__);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(76760);
/* harmony import */ var node_path__WEBPACK_IMPORTED_MODULE_3___default = /*#__PURE__*/__nccwpck_require__.n(node_path__WEBPACK_IMPORTED_MODULE_3__);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_4__ = __nccwpck_require__(45586);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_6__ = __nccwpck_require__(37428);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_5__ = __nccwpck_require__(91674);
/**
 * What the runner tells an action about the run: repository, commit, run URL, and the pull
 * request from the event payload. The payload is a boundary like any other: it is validated,
 * and only the fields this project uses are kept.
 */






const repoRef = zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ full_name: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP() }).nullish();
const pullRequestEvent = zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({
    pull_request: zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({
        number: zod__WEBPACK_IMPORTED_MODULE_4__/* .number */ .aig().int().positive(),
        title: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(),
        html_url: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(),
        head: zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ sha: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), ref: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), repo: repoRef }),
        base: zod__WEBPACK_IMPORTED_MODULE_4__/* .object */ .Ikc({ ref: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP(), sha: zod__WEBPACK_IMPORTED_MODULE_4__/* .string */ .YjP().optional(), repo: repoRef }),
    })
        .optional(),
});
function readRunContext(env = process.env) {
    const serverUrl = env.GITHUB_SERVER_URL || 'https://github.com';
    const repository = env.GITHUB_REPOSITORY || undefined;
    const runId = env.GITHUB_RUN_ID || undefined;
    const pullRequest = readPullRequest(env.GITHUB_EVENT_PATH);
    return {
        repository,
        sha: pullRequest?.headSha ?? (env.GITHUB_SHA || undefined),
        ref: env.GITHUB_REF || undefined,
        eventName: env.GITHUB_EVENT_NAME || undefined,
        runId,
        runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
        runUrl: repository && runId ? `${serverUrl}/${repository}/actions/runs/${runId}` : undefined,
        serverUrl,
        actor: env.GITHUB_ACTOR || undefined,
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        tempDir: runnerTempDir(env),
        runnerOs: env.RUNNER_OS || process.platform,
        pullRequest,
    };
}
function readPullRequest(eventPath) {
    if (!eventPath)
        return undefined;
    let payload;
    try {
        payload = JSON.parse((0,node_fs__WEBPACK_IMPORTED_MODULE_0__.readFileSync)(eventPath, 'utf8'));
    }
    catch (error) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UserError */ .yo(`Could not read the event payload at GITHUB_EVENT_PATH "${eventPath}": ${error.message}.`);
    }
    const parsed = pullRequestEvent.safeParse(payload);
    if (!parsed.success) {
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_5__/* .UserError */ .yo(`The event payload at GITHUB_EVENT_PATH "${eventPath}" has an unexpected pull_request shape: ${zod__WEBPACK_IMPORTED_MODULE_6__/* .prettifyError */ .S1(parsed.error)}`);
    }
    const pr = parsed.data.pull_request;
    if (!pr)
        return undefined;
    const headRepo = pr.head.repo?.full_name;
    return {
        number: pr.number,
        title: pr.title,
        headSha: pr.head.sha,
        headRef: pr.head.ref,
        baseRef: pr.base.ref,
        baseSha: pr.base.sha,
        url: pr.html_url,
        fromFork: headRepo !== undefined && headRepo !== pr.base.repo?.full_name,
    };
}
function stepEnvironment(env = process.env, github = restConnector(env), accounts = restAccounts(env)) {
    let context;
    return {
        env,
        workspace: env.GITHUB_WORKSPACE || process.cwd(),
        tempDir: runnerTempDir(env),
        context: () => (context ??= readRunContext(env)),
        github,
        accounts,
    };
}
function restAccounts(env) {
    return async (token, log, cache) => {
        const { createOctokitAccounts } = await __nccwpck_require__.e(/* import() */ 100).then(__nccwpck_require__.bind(__nccwpck_require__, 3100));
        return createOctokitAccounts(token, log, { env, ...(cache ? { cache } : {}) });
    };
}
/** GitHub's REST API at the step's GITHUB_API_URL; Octokit is loaded on first use only. */
function restConnector(env) {
    return async (token, repository, log) => {
        const { createOctokitPort } = await __nccwpck_require__.e(/* import() */ 100).then(__nccwpck_require__.bind(__nccwpck_require__, 3100));
        return createOctokitPort(token, repository, log, env);
    };
}
/** Scratch space for reports: RUNNER_TEMP on a runner, the OS temp folder elsewhere. */
function runnerTempDir(env = process.env) {
    return env.RUNNER_TEMP || (0,node_os__WEBPACK_IMPORTED_MODULE_2__.tmpdir)();
}
/**
 * A new folder for one step's files. Each step gets its own, so that two steps of one job
 * (validating train and eval data, evaluating on two data sets) never overwrite each other's
 * reports. Takes the temp folder rather than the whole context, so that actions that need no
 * more do not parse the event payload.
 */
async function createStepDir(tempDir, action, model) {
    const parent = (0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(tempDir, 'mlops-actions', action);
    await (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdir)(parent, { recursive: true });
    return (0,node_fs_promises__WEBPACK_IMPORTED_MODULE_1__.mkdtemp)((0,node_path__WEBPACK_IMPORTED_MODULE_3__.join)(parent, `${model}-`));
}


/***/ }),

/***/ 91674:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   UK: () => (/* binding */ errnoCode),
/* harmony export */   dz: () => (/* binding */ InputError),
/* harmony export */   iU: () => (/* binding */ isUserError),
/* harmony export */   yo: () => (/* binding */ UserError)
/* harmony export */ });
/**
 * A mistake the user can fix: a bad input, a missing or malformed file, a failing training
 * command. The message is shown as it is, without a stack trace, so it must say which input or
 * file is wrong, what was expected and what to do.
 */
class UserError extends Error {
    name = 'UserError';
}
/** One or more action inputs are missing or malformed. */
class InputError extends UserError {
    name = 'InputError';
}
function isUserError(error) {
    return error instanceof UserError;
}
/** Node's error code (ENOENT, EISDIR, ...) when there is one. */
function errnoCode(error) {
    return error instanceof Error && 'code' in error && typeof error.code === 'string'
        ? error.code
        : undefined;
}


/***/ }),

/***/ 21736:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   CN: () => (/* binding */ pathList),
/* harmony export */   Ko: () => (/* binding */ readInputs),
/* harmony export */   Qq: () => (/* binding */ text),
/* harmony export */   Yh: () => (/* binding */ decimalBetween),
/* harmony export */   Yq: () => (/* binding */ choice),
/* harmony export */   fD: () => (/* binding */ modelName),
/* harmony export */   rD: () => (/* binding */ wholeNumber)
/* harmony export */ });
/* unused harmony exports flag, modelVersion, environmentName, artifactName */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(45586);
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_3__ = __nccwpck_require__(88532);
/* harmony import */ var _identifiers_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(58434);
/* harmony import */ var _errors_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(91674);
/**
 * Action inputs: each action declares a zod object whose keys are exactly its action.yml input
 * names. Defaults live in action.yml only (the runner passes them as INPUT_* variables), so an
 * input with a default or `required: true` is non-optional here; a contract test checks both.
 */



const WORKFLOW_NAMING = {
    name: (input) => `input "${input}"`,
    whereToSet: 'set it under "with:" in the workflow step',
};
/** Reads every declared input and validates them together, so that all problems are reported at once. */
function readInputs(schema, getInput, naming = WORKFLOW_NAMING) {
    const raw = {};
    for (const name of Object.keys(schema.shape)) {
        const value = getInput(name);
        if (value !== undefined && value !== '')
            raw[name] = value;
    }
    const result = schema.safeParse(raw, { reportInput: true });
    if (!result.success)
        throw new _errors_js__WEBPACK_IMPORTED_MODULE_1__/* .InputError */ .dz(describeInputIssues(result.error.issues, raw, naming));
    return result.data;
}
function describeInputIssues(issues, supplied, naming) {
    const problems = issues.map((issue) => {
        const name = String(issue.path[0] ?? '?');
        if (!(name in supplied))
            return `${naming.name(name)} is required but was not supplied (${naming.whereToSet})`;
        return `${naming.name(name)} ${issue.message}`;
    });
    return naming === WORKFLOW_NAMING
        ? `Invalid action inputs: ${problems.join('; ')}.`
        : `${problems.join('; ')}.`;
}
/** Values are shown JSON-quoted, shortened and with control characters escaped: inputs may be hostile. */
const quote = (value) => (0,_identifiers_js__WEBPACK_IMPORTED_MODULE_0__/* .quoteValue */ .cl)(String(value));
/** Any non-empty text. */
const text = () => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP();
/** One of a fixed set of values; the error lists them. */
const choice = (values) => zod__WEBPACK_IMPORTED_MODULE_2__/* ["enum"] */ .k5n(values, {
    error: (issue) => `must be one of ${values.join(', ')}; got ${quote(issue.input)}`,
});
const TRUE_SPELLINGS = (/* unused pure expression or super */ null && (['true', 'True', 'TRUE']));
const FALSE_SPELLINGS = (/* unused pure expression or super */ null && (['false', 'False', 'FALSE']));
/** A boolean with the YAML 1.2 spellings the runner accepts; anything else is an error, not false. */
const flag = () => z.string().transform((value, ctx) => {
    if (TRUE_SPELLINGS.includes(value))
        return true;
    if (FALSE_SPELLINGS.includes(value))
        return false;
    ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be true or false; got ${quote(value)}`,
    });
    return z.NEVER;
});
/** A whole number within bounds. */
const wholeNumber = (min, max = Number.MAX_SAFE_INTEGER) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((value, ctx) => {
    const number = /^-?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (Number.isSafeInteger(number) && number >= min && number <= max)
        return number;
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`;
    ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be a whole number ${range}; got ${quote(value)}`,
    });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});
/** One path per line (blank lines ignored), as @actions/cache and upload-artifact take lists. */
const pathList = () => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((value) => value
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== ''));
/**
 * Identifiers (see shared/identifiers.ts for the alphabets). A model name becomes part of
 * deployment tasks (`model:<name>`), release tags (`<name>@<version>`), artifact names and file
 * names; versions, environment and artifact names end up in tags, payloads and outputs that
 * later steps interpolate into a shell.
 */
const modelName = () => (0,_identifiers_js__WEBPACK_IMPORTED_MODULE_0__/* .identifier */ .Cv)('model name');
const modelVersion = () => identifier('model version');
const environmentName = () => identifier('environment name');
const artifactName = () => identifier('artifact name');
/** A decimal number strictly between two bounds (e.g. a confidence level between 0 and 1). */
const decimalBetween = (low, high) => zod__WEBPACK_IMPORTED_MODULE_2__/* .string */ .YjP().transform((value, ctx) => {
    const number = /^\s*-?(\d+\.?\d*|\.\d+)(e-?\d+)?\s*$/i.test(value) ? Number(value) : Number.NaN;
    if (number > low && number < high)
        return number;
    ctx.addIssue({
        code: 'custom',
        input: value,
        message: `must be a number between ${low} and ${high} (exclusive); got ${quote(value)}`,
    });
    return zod__WEBPACK_IMPORTED_MODULE_3__/* .NEVER */ .tm;
});


/***/ }),

/***/ 41825:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  C: () => (/* binding */ runAction)
});

// EXTERNAL MODULE: ./shared/action/errors.ts
var errors = __nccwpck_require__(91674);
;// CONCATENATED MODULE: ./shared/action/network-error.ts
/**
 * A request that never got an answer: the host refused the connection, has no address, or did
 * not answer in time. Not a bug and not GitHub's verdict, so it gets one line naming the host
 * and what to check, in a workflow step and on the command line alike.
 */
const REASONS = {
    ECONNREFUSED: 'the connection was refused',
    ECONNRESET: 'the connection was reset',
    ENOTFOUND: 'the host name has no address',
    EAI_AGAIN: 'the host name could not be looked up',
    ETIMEDOUT: 'it did not answer in time',
    EHOSTUNREACH: 'the host is unreachable',
    ENETUNREACH: 'the network is unreachable',
    UND_ERR_CONNECT_TIMEOUT: 'it did not answer in time',
    UND_ERR_HEADERS_TIMEOUT: 'it did not answer in time',
    UND_ERR_SOCKET: 'the connection broke',
};
/** The host and reason of a network failure anywhere in the error's `cause` chain, if it is one. */
function networkFailure(error) {
    let host;
    for (let at = error, depth = 0; at instanceof Object && depth < 8; depth++) {
        const fields = at;
        if (!host && typeof fields.request?.url === 'string')
            host = hostOf(fields.request.url);
        const code = typeof fields.code === 'string' ? fields.code : undefined;
        if (code && REASONS[code]) {
            const named = typeof fields.hostname === 'string'
                ? fields.hostname
                : typeof fields.address === 'string'
                    ? `${fields.address}${typeof fields.port === 'number' ? `:${fields.port}` : ''}`
                    : undefined;
            return { host: host ?? named ?? 'the server', reason: REASONS[code] };
        }
        at = fields.cause;
    }
    return undefined;
}
function hostOf(url) {
    try {
        return new URL(url).host;
    }
    catch {
        return undefined;
    }
}
/** The one line for a network failure: what failed, and what to check. */
function describeNetworkFailure({ host, reason }) {
    return `Could not reach ${host}: ${reason}. Check the network connection (and a proxy, if one is needed), and GITHUB_API_URL if it is set (it names the GitHub API to use).`;
}

// EXTERNAL MODULE: ./shared/action/context.ts
var context = __nccwpck_require__(36030);
// EXTERNAL MODULE: ./shared/action/inputs.ts
var action_inputs = __nccwpck_require__(21736);
// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __nccwpck_require__(77598);
// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __nccwpck_require__(73024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __nccwpck_require__(48161);
;// CONCATENATED MODULE: ./shared/action/runner.ts
/**
 * The runner contract of a JavaScript action: inputs from `INPUT_*` variables, outputs and the
 * job summary through file commands, logs and annotations through workflow commands.
 *
 * Written here instead of importing @actions/core: on this project's bench, importing
 * @actions/core alone (it loads @actions/http-client, undici and @actions/exec at start-up for
 * OIDC and platform helpers we do not use) costs 3.3x `node -e 0`, which leaves no room for
 * the start-up budget of 3.5x. The formats below follow actions/toolkit
 * packages/core (command.ts, file-command.ts) and the runner's FileCommandManager.
 */



/** GitHub rejects step summaries over 1 MiB (runner FileCommandManager.AttachmentSizeLimit). */
const STEP_SUMMARY_LIMIT_BYTES = 1024 * 1024;
function inputVariableName(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/** Escaping of workflow-command data and properties, as actions/toolkit command.ts does it. */
function escapeCommandData(value) {
    return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}
function escapeCommandProperty(value) {
    return escapeCommandData(value).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
function formatCommand(command, message, properties = {}) {
    const props = Object.entries(properties)
        .filter(([, value]) => value !== undefined && value !== '')
        .map(([key, value]) => `${key}=${escapeCommandProperty(String(value))}`)
        .join(',');
    return `::${command}${props ? ` ${props}` : ''}::${escapeCommandData(message)}`;
}
/** A `name<<delimiter` block, the only safe form for multi-line or untrusted values. */
function formatFileCommandValue(name, value) {
    const delimiter = `ghadelimiter_${(0,external_node_crypto_.randomUUID)()}`;
    if (name.includes(delimiter) || value.includes(delimiter)) {
        throw new Error(`Unexpected delimiter collision while writing "${name}"`);
    }
    return `${name}<<${delimiter}${external_node_os_.EOL}${value}${external_node_os_.EOL}${delimiter}${external_node_os_.EOL}`;
}
function createRunner(env = process.env, write = (line) => process.stdout.write(line + external_node_os_.EOL)) {
    const outputFile = env.GITHUB_OUTPUT;
    const summaryFile = env.GITHUB_STEP_SUMMARY;
    let summaryTruncated = false;
    const runner = {
        getInput: (name) => env[inputVariableName(name)]?.trim(),
        setOutput(name, value) {
            const text = String(value);
            if (outputFile)
                (0,external_node_fs_.appendFileSync)(outputFile, formatFileCommandValue(name, text), 'utf8');
            else
                write(`output ${name}: ${text}`);
        },
        appendSummary(markdown) {
            if (!summaryFile || summaryTruncated)
                return;
            const used = fileSize(summaryFile);
            const bytes = Buffer.byteLength(markdown + external_node_os_.EOL, 'utf8');
            if (used + bytes > STEP_SUMMARY_LIMIT_BYTES) {
                summaryTruncated = true;
                (0,external_node_fs_.appendFileSync)(summaryFile, `${external_node_os_.EOL}_The rest of this summary was left out: GitHub shows at most 1 MiB per step. The full report is in the step's outputs._${external_node_os_.EOL}`);
                runner.warning("The job summary reached GitHub's 1 MiB limit; the rest was left out. See the report output for everything.");
                return;
            }
            (0,external_node_fs_.appendFileSync)(summaryFile, markdown + external_node_os_.EOL, 'utf8');
        },
        debug: (message) => write(formatCommand('debug', message)),
        info: (message) => write(message),
        notice: (message, where) => write(formatCommand('notice', message, where)),
        warning: (message, where) => write(formatCommand('warning', message, where)),
        error: (message, where) => write(formatCommand('error', message, where)),
        async group(name, body) {
            write(`::group::${escapeCommandData(name)}`);
            try {
                return await body();
            }
            finally {
                write('::endgroup::');
            }
        },
    };
    return runner;
}
function fileSize(path) {
    try {
        return (0,external_node_fs_.statSync)(path).size;
    }
    catch {
        return 0;
    }
}

;// CONCATENATED MODULE: ./shared/action/run-action.ts





async function runAction(action, runner = createRunner(), step = (0,context/* stepEnvironment */.a)(process.env)) {
    let status = 0;
    try {
        const inputs = (0,action_inputs/* readInputs */.Ko)(action.inputs, runner.getInput);
        await action.run(inputs, runner, step);
    }
    catch (error) {
        status = 1;
        reportFailure(action.name, error, runner);
    }
    return status;
}
function reportFailure(actionName, error, runner) {
    if ((0,errors/* isUserError */.iU)(error)) {
        runner.error(error.message, { title: actionName });
        return;
    }
    const network = networkFailure(error);
    if (network) {
        runner.error(describeNetworkFailure(network), { title: actionName });
        return;
    }
    const http = httpFailure(error);
    if (http) {
        runner.error(`GitHub answered ${http.status} to ${http.request} after retries: ${http.message}. This is a problem with GitHub or with the token's permissions, not with your data; re-run the job, and check the job's "permissions:" if it persists.`, { title: actionName });
        return;
    }
    const message = error instanceof Error ? error.message : String(error);
    runner.error(`${actionName} stopped on an unexpected error: ${message}. This is a bug in mlops-actions, not in your workflow; ` +
        'please report it with the step log (re-run with debug logging for the stack trace).', { title: actionName });
    if (error instanceof Error && error.stack)
        runner.debug(error.stack);
}
/** An Octokit RequestError (or alike): the API answered, with an error status. */
function httpFailure(error) {
    if (!(error instanceof Error) || !('status' in error) || typeof error.status !== 'number')
        return undefined;
    const request = error.request;
    const where = request?.url
        ? `${request.method ?? ''} ${new URL(request.url).pathname}`.trim()
        : 'a request';
    return {
        status: error.status,
        request: where,
        message: error.message.replace(/\s+/g, ' ').slice(0, 300),
    };
}


/***/ }),

/***/ 58434:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   Cv: () => (/* binding */ identifier),
/* harmony export */   Hk: () => (/* binding */ metricsArtifactName),
/* harmony export */   cl: () => (/* binding */ quoteValue)
/* harmony export */ });
/* unused harmony exports MODEL_NAME_PATTERN, isIdentifier, identifierProblem, requireIdentifier, releaseTag, modelArtifactName, profileArtifactName, modelTask */
/* harmony import */ var zod__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(45586);
/* harmony import */ var _action_errors_js__WEBPACK_IMPORTED_MODULE_2__ = __nccwpck_require__(91674);
/* harmony import */ var _markdown_escape_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(32215);
/**
 * The identifiers the suite records and hands on: model names, model versions, environment
 * names, artifact names, release tags (`<model>@<version>`) and deployment tasks
 * (`model:<model>`). They become Git tags, deployment payloads, file and artifact names, and
 * step outputs that later `run:` steps interpolate into a shell, so each has a safe alphabet,
 * checked where the value enters: an action input, a field of a manifest, a metrics report or a
 * deployment payload, a name read from the GitHub API. None of these alphabets holds a shell
 * metacharacter, a space, a quote, a path separator or a control character.
 *
 * The checks are plain character classes and substring tests, so they run in linear time on any
 * value. The README ("Identifiers") states the same rules; keep the two in step.
 */



/** Letters, digits, ".", "_" and "-", starting with a letter or digit: no shell, path or Markdown syntax. */
const safeWord = (max) => new RegExp(`^[A-Za-z0-9][A-Za-z0-9._-]{0,${max - 1}}$`);
/** The model name pattern (at most 100 characters); see MODEL_NAME for the whole rule. */
const MODEL_NAME_PATTERN = safeWord(100);
const VERSION_PATTERN = safeWord(64);
const ENVIRONMENT_PATTERN = safeWord(100);
const ARTIFACT_PATTERN = safeWord(200);
const MODEL_NAME = {
    rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." (at most 100 characters)',
    // ".." is refused because `<model>@<version>` must be a valid Git tag name.
    test: (value) => MODEL_NAME_PATTERN.test(value) && !value.includes('..'),
};
/**
 * versionOf() gives 12 hex digits; the alphabet leaves room for versions of the user's own
 * (`1.4.0`, `2024-06-01_rc1`) while keeping the release tag a valid Git tag name: no "..", and
 * not ending in "." or ".lock".
 */
const MODEL_VERSION = {
    rule: 'start and end with a letter or digit and use only letters, digits, ".", "_" and "-", without ".." and not ending in ".lock" (at most 64 characters)',
    test: (value) => VERSION_PATTERN.test(value) &&
        /[A-Za-z0-9]$/.test(value) &&
        !value.includes('..') &&
        !value.endsWith('.lock'),
};
/**
 * GitHub allows almost any character in an environment name; this is the subset that is safe
 * in a shell, a file name and a URL, and that covers the names people use (`production`,
 * `staging`, `eu-west-1`, `prod_2`, `qa.eu`). Names with spaces or "/" are refused.
 */
const ENVIRONMENT_NAME = {
    rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 100 characters; spaces and "/" are not allowed)',
    test: (value) => ENVIRONMENT_PATTERN.test(value),
};
/** The suite's artifact names are `model-<model>-<version>` and `metrics-<model>-<version>`. */
const ARTIFACT_NAME = {
    rule: 'start with a letter or digit and use only letters, digits, ".", "_" and "-" (at most 200 characters)',
    test: (value) => ARTIFACT_PATTERN.test(value),
};
const RELEASE_TAG = {
    rule: 'be "<model>@<version>": a model name, "@" and a model version',
    test: (value) => {
        const at = value.indexOf('@');
        return at > 0 && MODEL_NAME.test(value.slice(0, at)) && MODEL_VERSION.test(value.slice(at + 1));
    },
};
const ALPHABETS = {
    'model name': MODEL_NAME,
    'model version': MODEL_VERSION,
    'environment name': ENVIRONMENT_NAME,
    'artifact name': ARTIFACT_NAME,
    'release tag': RELEASE_TAG,
};
function isIdentifier(kind, value) {
    return typeof value === 'string' && ALPHABETS[kind].test(value);
}
/** Why `value` is not a `kind`, as "must …; got "…"", or undefined when it is one. */
function identifierProblem(kind, value) {
    return isIdentifier(kind, value)
        ? undefined
        : `must ${ALPHABETS[kind].rule}; got ${quoteValue(value)}`;
}
/**
 * A zod string that must be a `kind`: for action inputs and for the fields of files and payloads,
 * whose errors then name the input, or the file, field and line (see validateStructured).
 */
function identifier(kind) {
    return zod__WEBPACK_IMPORTED_MODULE_1__/* .string */ .YjP().refine((value) => isIdentifier(kind, value), {
        error: (issue) => identifierProblem(kind, issue.input),
    });
}
/** `value` when it is a `kind`; otherwise a UserError that starts with `where` ("The artifact name", "Input \"version\""). */
function requireIdentifier(kind, value, where, advice = '') {
    const problem = identifierProblem(kind, value);
    if (problem)
        throw new _action_errors_js__WEBPACK_IMPORTED_MODULE_2__/* .UserError */ .yo(`${where} ${problem}.${advice ? ` ${advice}` : ''}`);
    return value;
}
function releaseTag(model, version) {
    return requireIdentifier('release tag', `${model}@${version}`, 'The release tag');
}
function modelArtifactName(model, version) {
    return requireIdentifier('artifact name', `model-${model}-${version}`, 'The artifact name');
}
function metricsArtifactName(model, version) {
    return requireIdentifier('artifact name', `metrics-${model}-${version}`, 'The artifact name');
}
/** Where promote-model keeps a non-production model's training data profile (the drift reference). */
function profileArtifactName(model, version) {
    return requireIdentifier('artifact name', `profile-${model}-${version}`, 'The artifact name');
}
/** The deployment task of a model's promotions. */
function modelTask(model) {
    return `model:${requireIdentifier('model name', model, 'The model name')}`;
}
const SHOWN_CHARACTERS = 60;
/**
 * A value as an error message may show it: JSON-quoted (so control characters are escaped),
 * at most 60 characters of it, with line and paragraph separators and bidirectional controls
 * escaped too, since they would reorder or break the annotation line.
 */
function quoteValue(value) {
    if (typeof value !== 'string')
        return String(JSON.stringify(value) ?? value).slice(0, SHOWN_CHARACTERS);
    const characters = [...value];
    // JSON escapes the C0 controls; the rest of the invisible characters are escaped after it.
    const shown = (0,_markdown_escape_js__WEBPACK_IMPORTED_MODULE_0__/* .escapeInvisible */ .ts)(JSON.stringify(characters.slice(0, SHOWN_CHARACTERS).join('')));
    return characters.length > SHOWN_CHARACTERS
        ? `${shown}… (${characters.length} characters)`
        : shown;
}


/***/ }),

/***/ 32215:
/***/ ((__unused_webpack_module, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   FV: () => (/* binding */ escapeMarkdown),
/* harmony export */   Qj: () => (/* binding */ markdownTable),
/* harmony export */   ts: () => (/* binding */ escapeInvisible)
/* harmony export */ });
/* unused harmony exports inlineCode, markdownLink, mermaidLabel, hasInvisible */
/**
 * Text from data files and pull requests (metric names, column names, cell values, branch
 * names) is hostile: it must render as the literal text, never as Markdown, HTML, a table
 * break or a notification. GitHub ignores backslash escapes for @mentions, so a zero-width
 * space goes after every "@" (the fix Dependabot uses).
 */
// Parentheses and colons are left alone: with "[" and "]" escaped they cannot form a link, and
// escaping them only clutters the raw text reviewers may read.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]#+!|~$]/g;
function escapeMarkdown(text) {
    return text
        .replace(/\r\n|\r|\n/g, ' ')
        .replace(/&/g, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(MARKDOWN_PUNCTUATION, (char) => `\\${char}`)
        .replace(/@/g, '@\u200B');
}
/** Inline code for hostile text: a backtick fence longer than any run inside it, mentions broken. */
function inlineCode(text) {
    // GFM has no empty code span: a pair of backticks around nothing is shown as two backticks.
    if (text === '')
        return '_(empty)_';
    const flat = text.replace(/\r\n|\r|\n/g, ' ').replace(/@/g, '@\u200B');
    const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
    const fence = '`'.repeat(longestRun + 1);
    const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
    return `${fence}${pad}${flat}${pad}${fence}`;
}
/**
 * A GFM table. GFM splits cells on every unescaped "|", even inside code spans, so each cell's
 * remaining pipes are escaped here, the one place tables are built.
 */
function markdownTable(header, rows) {
    const line = (cells) => `| ${cells.map((cell) => cell.replace(/(?<!\\)\|/g, '\\|')).join(' | ')} |`;
    return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
/**
 * A link whose target came from a file or an API payload: only http(s) URLs, with the
 * characters that could end the link or start markup percent-encoded. Anything else is shown as
 * plain text, never followed.
 */
function markdownLink(label, url) {
    if (!url || !/^https?:\/\/[^\s]+$/i.test(url))
        return label;
    return `[${label}](${percentEncodeUnsafe(url)})`;
}
/** What a URL may hold as it is: RFC 3986's unreserved and reserved characters, less those that end a Markdown link or start markup. */
const URL_SAFE = /[A-Za-z0-9\-._~:/?#@!$&*+,;=]/;
/**
 * Percent-encodes every character a Markdown link target may not hold, leaving escapes already
 * in the URL alone (GitHub's release URLs carry the tag's "@" as %40; decoding and encoding
 * again, as encodeURI(decodeURI(url)) does, turns that into %2540).
 */
function percentEncodeUnsafe(url) {
    let out = '';
    for (let i = 0; i < url.length;) {
        const codePoint = url.codePointAt(i);
        const char = String.fromCodePoint(codePoint);
        i += char.length;
        if (URL_SAFE.test(char) || (char === '%' && /^[0-9A-Fa-f]{2}/.test(url.slice(i, i + 2))))
            out += char;
        else
            for (const byte of Buffer.from(char, 'utf8'))
                out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    }
    return out;
}
/**
 * Text for a Mermaid label: Mermaid parses quotes, brackets, backticks, `%%` directives and
 * entity codes, and renders labels as HTML, so only a plain alphabet is kept.
 */
function mermaidLabel(text, maxLength = 24) {
    const plain = text.replace(/[^A-Za-z0-9 ._:=+\-/]/g, '_');
    return plain.length > maxLength ? `${plain.slice(0, maxLength - 1)}…` : plain;
}
/**
 * Control, invisible and bidirectional characters (C0 and C1 controls, soft hyphen, zero-width
 * and direction marks, line and paragraph separators, the BOM): in a log line, an annotation or
 * an error message they break the line, hide text or reorder it.
 */
const INVISIBLE = 
// eslint-disable-next-line no-control-regex -- matching control characters is the point
/[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE.source, 'g');
function hasInvisible(text) {
    return INVISIBLE.test(text);
}
/** `text` with each invisible character written as an escape (`\n`, `\t`, `\u200b`). */
function escapeInvisible(text) {
    return text.replace(INVISIBLE_ALL, (char) => {
        const code = char.charCodeAt(0);
        return code === 0x0a
            ? '\\n'
            : code === 0x0d
                ? '\\r'
                : code === 0x09
                    ? '\\t'
                    : `\\u${code.toString(16).padStart(4, '0')}`;
    });
}


/***/ }),

/***/ 42613:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("assert");

/***/ }),

/***/ 20181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 35317:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("child_process");

/***/ }),

/***/ 49140:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("constants");

/***/ }),

/***/ 76982:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("crypto");

/***/ }),

/***/ 24434:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("events");

/***/ }),

/***/ 79896:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs");

/***/ }),

/***/ 91943:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("fs/promises");

/***/ }),

/***/ 58611:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("http");

/***/ }),

/***/ 65692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("https");

/***/ }),

/***/ 73339:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("module");

/***/ }),

/***/ 69278:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("net");

/***/ }),

/***/ 34589:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:assert");

/***/ }),

/***/ 16698:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:buffer");

/***/ }),

/***/ 37540:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:console");

/***/ }),

/***/ 77598:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");

/***/ }),

/***/ 53053:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:diagnostics_channel");

/***/ }),

/***/ 40610:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:dns");

/***/ }),

/***/ 78474:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:events");

/***/ }),

/***/ 73024:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");

/***/ }),

/***/ 51455:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs/promises");

/***/ }),

/***/ 37067:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http");

/***/ }),

/***/ 32467:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:http2");

/***/ }),

/***/ 44708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:https");

/***/ }),

/***/ 98995:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:module");

/***/ }),

/***/ 77030:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");

/***/ }),

/***/ 48161:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");

/***/ }),

/***/ 76760:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:perf_hooks");

/***/ }),

/***/ 1708:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:process");

/***/ }),

/***/ 41792:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:querystring");

/***/ }),

/***/ 57075:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:stream");

/***/ }),

/***/ 46193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:string_decoder");

/***/ }),

/***/ 41692:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:tls");

/***/ }),

/***/ 73136:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:url");

/***/ }),

/***/ 57975:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util");

/***/ }),

/***/ 73429:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:util/types");

/***/ }),

/***/ 75919:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:worker_threads");

/***/ }),

/***/ 38522:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:zlib");

/***/ }),

/***/ 70857:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("os");

/***/ }),

/***/ 16928:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("path");

/***/ }),

/***/ 2203:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("stream");

/***/ }),

/***/ 13193:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("string_decoder");

/***/ }),

/***/ 53557:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("timers");

/***/ }),

/***/ 64756:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tls");

/***/ }),

/***/ 52018:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("tty");

/***/ }),

/***/ 87016:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("url");

/***/ }),

/***/ 39023:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("util");

/***/ }),

/***/ 43106:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("zlib");

/***/ }),

/***/ 45586:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {


// EXPORTS
__nccwpck_require__.d(__webpack_exports__, {
  YOg: () => (/* binding */ array),
  zMY: () => (/* binding */ schemas_boolean),
  k5n: () => (/* binding */ schemas_enum),
  euz: () => (/* binding */ literal),
  aig: () => (/* binding */ schemas_number),
  Ikc: () => (/* binding */ object),
  g1P: () => (/* binding */ record),
  YjP: () => (/* binding */ schemas_string),
  PVZ: () => (/* binding */ tuple),
  L5J: () => (/* binding */ unknown)
});

// UNUSED EXPORTS: ZodAny, ZodArray, ZodBase64, ZodBase64URL, ZodBigInt, ZodBigIntFormat, ZodBoolean, ZodCIDRv4, ZodCIDRv6, ZodCUID, ZodCUID2, ZodCatch, ZodCodec, ZodCreditCard, ZodCustom, ZodCustomStringFormat, ZodDate, ZodDefault, ZodDiscriminatedUnion, ZodE164, ZodEmail, ZodEmoji, ZodEnum, ZodExactOptional, ZodFile, ZodFunction, ZodGUID, ZodIBAN, ZodIPv4, ZodIPv6, ZodISODate, ZodISODateTime, ZodISODuration, ZodISOTime, ZodInstanceOf, ZodIntersection, ZodJWT, ZodKSUID, ZodLazy, ZodLiteral, ZodMAC, ZodMap, ZodNaN, ZodNanoID, ZodNever, ZodNonOptional, ZodNull, ZodNullable, ZodNumber, ZodNumberFormat, ZodObject, ZodOptional, ZodPipe, ZodPrefault, ZodPreprocess, ZodPromise, ZodReadonly, ZodRecord, ZodSet, ZodString, ZodStringFormat, ZodSuccess, ZodSymbol, ZodTemplateLiteral, ZodTransform, ZodTuple, ZodType, ZodULID, ZodURL, ZodUUID, ZodUndefined, ZodUnion, ZodUnknown, ZodVoid, ZodXID, ZodXor, _ZodString, _default, _function, any, base64, base64url, bigint, catch, check, cidrv4, cidrv6, codec, creditCard, cuid, cuid2, currencyCode, custom, date, describe, discriminatedUnion, e164, email, emoji, exactOptional, file, float32, float64, function, guid, hash, hex, hostname, httpUrl, iban, instanceof, int, int32, int64, intersection, invertCodec, ipv4, ipv6, json, jwt, keyof, ksuid, lazy, looseObject, looseRecord, mac, map, meta, nan, nanoid, nativeEnum, never, nonoptional, null, nullable, nullish, optional, partialRecord, pipe, prefault, preprocess, promise, readonly, refine, set, strictObject, stringFormat, stringbool, success, superRefine, symbol, templateLiteral, transform, uint32, uint64, ulid, undefined, union, url, uuid, uuidv4, uuidv6, uuidv7, void, xid, xor

// EXTERNAL MODULE: ./node_modules/zod/v4/core/core.js
var core_core = __nccwpck_require__(88532);
// EXTERNAL MODULE: ./node_modules/zod/v4/core/util.js
var core_util = __nccwpck_require__(54723);
;// CONCATENATED MODULE: ./node_modules/zod/v4/core/memoizer.js

class $ZodCyclicError extends Error {
    constructor() {
        super(`Cannot parse a reference cycle that closes through a transform`);
        this.name = "ZodCyclicError";
    }
}
/** Keyed off the context object every schema in one parse call already shares. */
const STATE = "~memo";
const NO_ISSUES = [];
// a value a cycle can close through
function isRef(value) {
    return value !== null && typeof value === "object";
}
// Receivers prefix paths in place, so the cache and every hand-out need their own copies.
function cloneIssues(issues) {
    return issues.map((iss) => (iss.path ? { ...iss, path: iss.path.slice() } : { ...iss }));
}
const recursive = /*@__PURE__*/ new WeakMap();
/** What the walk established, in order of certainty: ordered so the strongest answer among children wins. */
const NONE = 0;
const ASSUMED = 1;
const PROVEN = 2;
/** Whether this schema's subtree contains a cycle, so one parse can re-enter it. */
function isRecursive(inst, stack, resolve) {
    const cached = recursive.get(inst);
    if (cached !== undefined)
        return cached ? PROVEN : NONE;
    // Relative to the walk in progress, so not cached.
    if (stack.has(inst))
        return PROVEN;
    stack.add(inst);
    let result = NONE;
    const check = (child) => {
        if (result !== PROVEN && child?._zod) {
            const answer = isRecursive(child, stack, resolve);
            if (answer > result)
                result = answer;
        }
    };
    // `Reflect.ownKeys` rather than `Object.keys`, so a cycle through a declared symbol key is still seen
    const shape = (sh, spread) => {
        let answer = NONE;
        for (const key of Reflect.ownKeys(sh)) {
            const desc = Object.getOwnPropertyDescriptor(sh, key);
            // an object resolves its shape by spread, so a key it does not enumerate is never parsed; `z.properties` reads every own key and so keeps them all
            if (spread && !desc.enumerable)
                continue;
            // resolving runs user code, and a factory mints a fresh subtree per read, so an edge the walk can't follow counts as a cycle
            const child = desc.get ? ASSUMED : desc.value?._zod ? isRecursive(desc.value, stack, resolve) : NONE;
            if (child > answer)
                answer = child;
        }
        return answer;
    };
    const merge = (answer) => {
        if (answer > result)
            result = answer;
    };
    const def = inst._zod.def;
    const kind = def.type;
    switch (kind) {
        case "object": {
            const raw = core_util/* rawShape */.MO(def);
            // a def with no raw shape answers `shape` from an accessor of its own, and running that can mint a whole fresh subtree
            merge(raw ? shape(raw, true) : ASSUMED);
            check(def.catchall);
            break;
        }
        case "array":
            check(def.element);
            break;
        case "tuple":
            for (const el of def.items)
                check(el);
            check(def.rest);
            break;
        case "record":
        case "map":
            check(def.keyType);
            check(def.valueType);
            break;
        case "set":
            check(def.valueType);
            break;
        case "union":
            for (const el of def.options)
                check(el);
            break;
        case "intersection":
            check(def.left);
            check(def.right);
            break;
        case "optional":
        case "nullable":
        case "default":
        case "prefault":
        case "catch":
        case "readonly":
        case "nonoptional":
        case "promise":
        case "success":
            check(def.innerType);
            break;
        case "pipe":
            check(def.in);
            check(def.out);
            break;
        case "function":
            check(def.input);
            check(def.output);
            break;
        // `$ZodLazy` caches its inner on the def, so a resolved edge is followed exactly
        case "lazy": {
            const inner = def._cachedInner ?? (resolve ? inst._zod.innerType : undefined);
            // walked with resolution off: one hop sees past the deferral, and a lazy that yields only another unresolved lazy is generative, so it stops there
            merge(inner ? isRecursive(inner, stack, false) : ASSUMED);
            break;
        }
        // a leaf by choice: `parts` are regex fragments, not data positions
        case "template_literal":
        // leaves
        case "string":
        case "number":
        case "int":
        case "boolean":
        case "bigint":
        case "symbol":
        case "undefined":
        case "null":
        case "void":
        case "never":
        case "any":
        case "unknown":
        case "date":
        case "nan":
        case "enum":
        case "literal":
        case "file":
        case "transform":
        case "custom":
            break;
        default: {
            // a new built-in kind becomes a compile error here
            kind;
            // a user-defined kind can still hold children, and only its author knows where, so fall back to scanning the def — skipping accessors, since reading one can run user code
            for (const key in def) {
                const desc = Object.getOwnPropertyDescriptor(def, key);
                if (!desc || desc.get)
                    continue;
                const value = desc.value;
                if (!value || typeof value !== "object")
                    continue;
                if (value._zod)
                    check(value);
                else if (Array.isArray(value))
                    for (const el of value)
                        check(el);
            }
        }
    }
    stack.delete(inst);
    return settle(inst, result);
}
/** An assumed answer must not outlive the resolution that settles it, so only a certain one is cached. */
function settle(inst, answer) {
    if (answer !== ASSUMED)
        recursive.set(inst, answer === PROVEN);
    return answer;
}
/**
 * Whether one parse can re-enter this schema, i.e. its subtree contains a cycle.
 * Exported for `z.compile`, which refuses to compile such a schema: cycle
 * breaking is driven from here off state keyed on the parse context, and a
 * generated fast path has no context to key on.
 */
function isRecursiveSchema(inst) {
    // z.compile never parses, so nothing would ever resolve a lazy for it; it runs once and already treats a throw here as recursive
    return isRecursive(inst, new Set(), true) !== NONE;
}
function bucketFor(state, inst) {
    let bucket = state.buckets.get(inst);
    if (!bucket) {
        bucket = new WeakMap();
        state.buckets.set(inst, bucket);
    }
    return bucket;
}
// Set immediately before delegating to core and cleared immediately after, so `alloc` registers only for a visit this module is driving.
let handoff;
// Allocated but unfinished entries. `alloc` and the matching pop both happen in the synchronous part of a parse, so they nest even when children are async, and one stack serves every schema.
const memoizer_open = [];
const memo = {
    alloc(_inst, payload, empty) {
        const bucket = handoff;
        if (!bucket)
            return empty;
        handoff = undefined;
        const entry = { value: empty, issues: null };
        bucket.set(payload.value, entry);
        memoizer_open.push(entry);
        return empty;
    },
    guard(inst) {
        var _a;
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                // The value is a placeholder a back-edge is still waiting on, so the cycle closes through this transform. Its output can't exist in time to bind.
                if (ctx.direction !== "backward" && isBackEdge(ctx, payload.value))
                    throw new $ZodCyclicError();
                return base(payload, ctx);
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
    attach(inst) {
        var _a;
        let isRecursiveInst;
        let rechecked = false;
        // a recursive schema is re-entered many times per parse and its bucket never changes
        let lastCtx;
        let lastBucket;
        // Wraps `parse` in a deferred so it sees the container's final parse. Core's own deferred copies `parse` into `run` when there are no checks, and it ran first, so `run` is patched to match; with checks, `run` reads `parse` dynamically.
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred.push(() => {
            const base = inst._zod.parse;
            const wrapped = (payload, ctx) => {
                if (isRecursiveInst === undefined) {
                    const walked = isRecursive(inst, new Set(), false);
                    if (walked === NONE) {
                        // Nothing here can ever fire, so take it back out.
                        inst._zod.parse = base;
                        if (inst._zod.run === wrapped)
                            inst._zod.run = base;
                        return base(payload, ctx);
                    }
                    // this parse resolves the deferred edges on its own path, so ask once more before latching
                    if (walked === PROVEN || rechecked)
                        isRecursiveInst = true;
                    else
                        rechecked = true;
                }
                const input = payload.value;
                if (!isRef(input))
                    return base(payload, ctx);
                let state = ctx[STATE];
                if (!state) {
                    state = { buckets: new WeakMap(), backEdges: undefined };
                    ctx[STATE] = state;
                }
                let bucket;
                if (lastCtx === ctx) {
                    bucket = lastBucket;
                }
                else {
                    bucket = bucketFor(state, inst);
                    lastCtx = ctx;
                    lastBucket = bucket;
                }
                const hit = bucket.get(input);
                if (hit) {
                    payload.value = hit.value;
                    if (hit.issues) {
                        if (hit.issues.length)
                            payload.issues.push(...cloneIssues(hit.issues));
                    }
                    else {
                        // Still being parsed: its own checks cover it, so skip them here.
                        payload.memo = true;
                        state.backEdges ?? (state.backEdges = new WeakSet());
                        state.backEdges.add(hit.value);
                    }
                    return payload;
                }
                handoff = bucket;
                const depth = memoizer_open.length;
                const result = base(payload, ctx);
                handoff = undefined;
                // A container that rejected its input outright allocated nothing.
                const entry = memoizer_open.length > depth ? memoizer_open.pop() : undefined;
                // Both paths written out so the sync one allocates no closure. It runs once per node, and capturing here cost more than everything else combined.
                if (result instanceof Promise) {
                    return result.then((r) => {
                        if (entry)
                            entry.issues = r.issues.length ? cloneIssues(r.issues) : NO_ISSUES;
                        return r;
                    });
                }
                if (entry)
                    entry.issues = result.issues.length ? cloneIssues(result.issues) : NO_ISSUES;
                return result;
            };
            inst._zod.parse = wrapped;
            if (inst._zod.run === base)
                inst._zod.run = wrapped;
        });
    },
};
/** The memoizer that gives containers cycle support. `zod` installs it by default; `zod/mini` opts in with `config({ memoizer: memoizer() })`. */
function memoizer() {
    return memo;
}
/** Whether this value is a node a back-edge resolved to before it finished. */
function isBackEdge(ctx, value) {
    const backEdges = ctx[STATE]?.backEdges;
    return backEdges !== undefined && isRef(value) && backEdges.has(value);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/regexes.js

/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const cuid = /^[cC][0-9a-z]{6,}$/;
const cuid2 = /^[0-9a-z]+$/;
const ulid = /^[0-7][0-9A-HJKMNP-TV-Za-hjkmnp-tv-z]{25}$/;
const xid = /^[0-9a-vA-V]{20}$/;
const ksuid = /^[A-Za-z0-9]{27}$/;
const nanoid = /^[a-zA-Z0-9_-]{21}$/;
function nanoidOfLength(length) {
    return new RegExp(`^[a-zA-Z0-9_-]{${length}}$`);
}
/** ISO 8601-1 duration regex. Does not support the 8601-2 extensions like negative durations or fractional/negative components. */
const duration = /^P(?:(\d+W)|(?!.*W)(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+([.,]\d+)?S)?)?)$/;
/** Implements ISO 8601-2 extensions like explicit +- prefixes, mixing weeks with other units, and fractional/negative components. */
const extendedDuration = /^[-+]?P(?!$)(?:(?:[-+]?\d+Y)|(?:[-+]?\d+[.,]\d+Y$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:(?:[-+]?\d+W)|(?:[-+]?\d+[.,]\d+W$))?(?:(?:[-+]?\d+D)|(?:[-+]?\d+[.,]\d+D$))?(?:T(?=[\d+-])(?:(?:[-+]?\d+H)|(?:[-+]?\d+[.,]\d+H$))?(?:(?:[-+]?\d+M)|(?:[-+]?\d+[.,]\d+M$))?(?:[-+]?\d+(?:[.,]\d+)?S)?)??$/;
/** A regex for any UUID-like identifier: 8-4-4-4-12 hex pattern */
const guid = /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$/;
/** Returns a regex for validating an RFC 9562/4122 UUID.
 *
 * @param version Optionally specify a version 1-8. If no version is specified, all versions are supported. */
const uuid = (version) => {
    if (!version)
        return /^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$/;
    return new RegExp(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-${version}[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12})$`);
};
const uuid4 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(4)));
const uuid6 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(6)));
const uuid7 = /*@__PURE__*/ (/* unused pure expression or super */ null && (uuid(7)));
/** Practical email validation */
const email = /^(?:[A-Za-z0-9_'+\-]+\.)*[A-Za-z0-9_'+\-]*[A-Za-z0-9_+-]@(?:[A-Za-z0-9][A-Za-z0-9\-]*\.)+[A-Za-z]{2,}$/;
/** Equivalent to the HTML5 input[type=email] validation implemented by browsers. Source: https://developer.mozilla.org/en-US/docs/Web/HTML/Element/input/email */
const html5Email = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
/** The classic emailregex.com regex for RFC 5322-compliant emails */
const rfc5322Email = /^(([^<>()\[\]\\.,;:\s@"]+(\.[^<>()\[\]\\.,;:\s@"]+)*)|(".+"))@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}])|(([a-zA-Z\-0-9]+\.)+[a-zA-Z]{2,}))$/;
/** A loose regex that allows Unicode characters, enforces length limits, and that's about it. */
const unicodeEmail = /^[^\s@"]{1,64}@[^\s@]{1,255}$/u;
const idnEmail = (/* unused pure expression or super */ null && (unicodeEmail));
const browserEmail = /^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
// from https://thekevinscott.com/emojis-in-javascript/#writing-a-regular-expression
// Single character class, not an alternation: the two properties overlap (U+1F9B0-U+1F9B3), so `(A|B)+` backtracks exponentially on a failed match. The leading lookahead then demands one anchor — a pictograph, a regional indicator, or the enclosing keycap — because `\p{Emoji_Component}` on its own covers ASCII digits, `#`, `*`, ZWJ, variation selectors and skin tone modifiers, none of which is an emoji without a base.
const _emoji = `^(?=[\\s\\S]*[\\p{Extended_Pictographic}\\p{Regional_Indicator}\\u20E3])[\\p{Extended_Pictographic}\\p{Emoji_Component}]+$`;
function emoji() {
    return new RegExp(_emoji, "u");
}
const ipv4 = /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])$/;
const ipv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))$/;
const mac = (delimiter) => {
    const escapedDelim = util.escapeRegex(delimiter ?? ":");
    return new RegExp(`^(?:[0-9A-F]{2}${escapedDelim}){5}[0-9A-F]{2}$|^(?:[0-9a-f]{2}${escapedDelim}){5}[0-9a-f]{2}$`);
};
const cidrv4 = /^((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])\/([0-9]|[1-2][0-9]|3[0-2])$/;
const cidrv6 = /^(([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:))\/(12[0-8]|1[01][0-9]|[1-9]?[0-9])$/;
// https://stackoverflow.com/questions/7860392/determine-if-string-is-in-base64-using-javascript
const base64 = /^$|^(?:[0-9a-zA-Z+/]{4})*(?:(?:[0-9a-zA-Z+/]{2}==)|(?:[0-9a-zA-Z+/]{3}=))?$/;
const base64url = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?$/;
// based on https://stackoverflow.com/questions/106179/regular-expression-to-match-dns-hostname-or-ip-address
// export const hostname: RegExp = /^([a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+$/;
const hostname = /^(?=.{1,253}\.?$)[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-0-9a-zA-Z]{0,61}[0-9a-zA-Z])?)*\.?$/;
const domain = /^(?=.{1,253}$)([a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\.)+[a-zA-Z]{2,63}$/;
const httpProtocol = /^https?$/;
// https://blog.stevenlevithan.com/archives/validate-phone-number#r4-3 (regex sans spaces) E.164: leading digit must be 1-9; total digits (excluding '+') between 7-15
const e164 = /^\+[1-9]\d{6,14}$/;
// Credit card shape: 12–19 digits, optionally separated by single spaces or single hyphens. ISO/IEC 7812 caps the PAN at 19 digits; 12 is the shortest issued length (Maestro).
const creditCard = /^\d(?:[ -]?\d){11,18}$/;
// ISO 4217 alpha codes from the SIX list, regenerated by scripts/update-iso-4217.ts
const currencyCode = /^(?:AED|AFN|ALL|AMD|AOA|ARS|AUD|AWG|AZN|BAM|BBD|BDT|BHD|BIF|BMD|BND|BOB|BOV|BRL|BSD|BTN|BWP|BYN|BZD|CAD|CDF|CHE|CHF|CHW|CLF|CLP|CNY|COP|COU|CRC|CUP|CVE|CZK|DJF|DKK|DOP|DZD|EGP|ERN|ETB|EUR|FJD|FKP|GBP|GEL|GHS|GIP|GMD|GNF|GTQ|GYD|HKD|HNL|HTG|HUF|IDR|ILS|INR|IQD|IRR|ISK|JMD|JOD|JPY|KES|KGS|KHR|KMF|KPW|KRW|KWD|KYD|KZT|LAK|LBP|LKR|LRD|LSL|LYD|MAD|MDL|MGA|MKD|MMK|MNT|MOP|MRU|MUR|MVR|MWK|MXN|MXV|MYR|MZN|NAD|NGN|NIO|NOK|NPR|NZD|OMR|PAB|PEN|PGK|PHP|PKR|PLN|PYG|QAR|RON|RSD|RUB|RWF|SAR|SBD|SCR|SDG|SEK|SGD|SHP|SLE|SOS|SRD|SSP|STN|SVC|SYP|SZL|THB|TJS|TMT|TND|TOP|TRY|TTD|TWD|TZS|UAH|UGX|USD|USN|UYI|UYU|UYW|UZS|VED|VES|VND|VUV|WST|XAD|XAF|XAG|XAU|XBA|XBB|XBC|XBD|XCD|XCG|XDR|XOF|XPD|XPF|XPT|XSU|XTS|XUA|XXX|YER|ZAR|ZMW|ZWG)$/;
// iban electronic format: 2-letter country, check digits 02-98 (the only values `98 - remainder` can produce), 11-30 bban characters
const iban = /^[A-Z]{2}(?!00|01|99)\d{2}[A-Z0-9]{11,30}$/;
const dateSource = `(?:(?:\\d\\d[2468][048]|\\d\\d[13579][26]|\\d\\d0[48]|[02468][048]00|[13579][26]00)-02-29|\\d{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12]\\d|3[01])|(?:0[469]|11)-(?:0[1-9]|[12]\\d|30)|(?:02)-(?:0[1-9]|1\\d|2[0-8])))`;
/** Anchors a pattern source. The interpolation lives here rather than at the call site because
 * esbuild will not drop a `@__PURE__` call whose own argument interpolates a variable, but it
 * will drop `anchor(dateSource)`. Keeping it inline pinned `date` into every bundle. */
function regexes_anchor(source) {
    return new RegExp(`^${source}$`);
}
const date = /*@__PURE__*/ regexes_anchor(dateSource);
function timeSource(args) {
    const hhmm = `(?:[01]\\d|2[0-3]):[0-5]\\d`;
    const regex = typeof args.precision === "number"
        ? args.precision === -1
            ? `${hhmm}`
            : args.precision === 0
                ? `${hhmm}:[0-5]\\d`
                : `${hhmm}:[0-5]\\d\\.\\d{${args.precision}}`
        : args.seconds
            ? `${hhmm}:[0-5]\\d(?:\\.\\d+)?`
            : `${hhmm}(?::[0-5]\\d(?:\\.\\d+)?)?`;
    return regex;
}
function time(args) {
    return new RegExp(`^${timeSource(args)}$`);
}
// Adapted from https://stackoverflow.com/a/3143231
function datetime(args) {
    const opts = ["Z"];
    // if (args.offset) opts.push(`([+-]\\d{2}:\\d{2})`);
    if (args.offset)
        opts.push(`([+-](?:[01]\\d|2[0-3]):[0-5]\\d)`);
    // RFC 3339 mandates seconds wherever the time carries a `Z` or an offset, so only the unqualified form `local` adds may omit them
    const qualified = `${timeSource({ precision: args.precision, seconds: true })}(?:${opts.join("|")})`;
    const timeRegex = args.local ? `${qualified}|${timeSource({ precision: args.precision })}` : qualified;
    return new RegExp(`^${dateSource}T(?:${timeRegex})$`);
}
// the unbounded form of `string()` as a literal, so every plain string shares one instance instead of building its own
const anyString = /^[\s\S]{0,}$/;
const string = (params) => {
    const regex = params ? `[\\s\\S]{${params?.minimum ?? 0},${params?.maximum ?? ""}}` : `[\\s\\S]*`;
    return new RegExp(`^${regex}$`);
};
const bigint = /^-?\d+n?$/;
const integer = /^-?\d+$/;
const number = /^-?\d+(?:\.\d+)?$/;
const regexes_boolean = /^(?:true|false)$/i;
const _null = /^null$/i;

const _undefined = /^undefined$/i;

// regex for string with no uppercase letters
const lowercase = /^[^A-Z]*$/;
// regex for string with no lowercase letters
const uppercase = /^[^a-z]*$/;
// regex for hexadecimal strings (any length)
const hex = /^[0-9a-fA-F]*$/;
// Hash regexes for different algorithms and encodings
// Helper function to create base64 regex with exact length and padding
function fixedBase64(bodyLength, padding) {
    return new RegExp(`^[A-Za-z0-9+/]{${bodyLength}}${padding}$`);
}
// Helper function to create base64url regex with exact length (no padding)
function fixedBase64url(length) {
    return new RegExp(`^[A-Za-z0-9_-]{${length}}$`);
}
// MD5 (16 bytes): base64 = 24 chars total (22 + "==")
const md5_hex = /^[0-9a-fA-F]{32}$/;
const md5_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(22, "==")));
const md5_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(22)));
// SHA1 (20 bytes): base64 = 28 chars total (27 + "=")
const sha1_hex = /^[0-9a-fA-F]{40}$/;
const sha1_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(27, "=")));
const sha1_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(27)));
// SHA256 (32 bytes): base64 = 44 chars total (43 + "=")
const sha256_hex = /^[0-9a-fA-F]{64}$/;
const sha256_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(43, "=")));
const sha256_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(43)));
// SHA384 (48 bytes): base64 = 64 chars total (no padding)
const sha384_hex = /^[0-9a-fA-F]{96}$/;
const sha384_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(64, "")));
const sha384_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(64)));
// SHA512 (64 bytes): base64 = 88 chars total (86 + "==")
const sha512_hex = /^[0-9a-fA-F]{128}$/;
const sha512_base64 = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64(86, "==")));
const sha512_base64url = /*@__PURE__*/ (/* unused pure expression or super */ null && (fixedBase64url(86)));

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/checks.js
// import { $ZodType } from "./schemas.js";



const $ZodCheck = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheck", (inst, def) => {
    var _a;
    inst._zod ?? (inst._zod = {});
    inst._zod.def = def;
    (_a = inst._zod).onattach ?? (_a.onattach = []);
});
/** Default `when` for size-based checks: run only on non-nullish values with a `size`. */
const _whenHasSize = (payload) => {
    const val = payload.value;
    return !util.nullish(val) && val.size !== undefined;
};
/** Default `when` for length-based checks: run only on non-nullish values with a `length`. */
const _whenHasLength = (payload) => {
    const val = payload.value;
    return !core_util/* nullish */.cl(val) && val.length !== undefined;
};
const numericOriginMap = {
    number: "number",
    bigint: "bigint",
    object: "date",
};
const $ZodCheckLessThan = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckLessThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value <= def.value : payload.value < def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_big",
            maximum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckGreaterThan = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckGreaterThan", (inst, def) => {
    $ZodCheck.init(inst, def);
    const origin = numericOriginMap[typeof def.value];
    inst._zod.check = (payload) => {
        if (def.inclusive ? payload.value >= def.value : payload.value > def.value) {
            return;
        }
        payload.issues.push({
            origin: numericOriginMap[typeof payload.value] ?? origin,
            code: "too_small",
            minimum: typeof def.value === "object" ? def.value.getTime() : def.value,
            input: payload.value,
            inclusive: def.inclusive,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMultipleOf = 
/*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckMultipleOf", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        if (typeof payload.value !== typeof def.value)
            throw new Error("Cannot mix number and bigint in multiple_of check.");
        const isMultiple = typeof payload.value === "bigint"
            ? // `value % 0n` throws, and nothing is a multiple of zero — the number branch already fails this way via NaN
                def.value !== BigInt(0) && payload.value % def.value === BigInt(0)
            : core_util/* floatSafeRemainder */.LG(payload.value, def.value) === 0;
        if (isMultiple)
            return;
        payload.issues.push({
            origin: typeof payload.value,
            code: "not_multiple_of",
            divisor: def.value,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckNumberFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    def.format = def.format || "float64";
    const isInt = def.format?.includes("int");
    const origin = isInt ? "int" : "number";
    const [minimum, maximum] = core_util/* NUMBER_FORMAT_RANGES */.zH[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (isInt) {
            if (!Number.isInteger(input)) {
                // invalid_format issue
                // payload.issues.push({
                //   expected: def.format,
                //   format: def.format,
                //   code: "invalid_format",
                //   input,
                //   inst,
                // });
                // invalid_type issue
                payload.issues.push({
                    expected: origin,
                    format: def.format,
                    code: "invalid_type",
                    continue: false,
                    input,
                    inst,
                });
                return;
                // not_multiple_of issue
                // payload.issues.push({
                //   code: "not_multiple_of",
                //   origin: "number",
                //   input,
                //   inst,
                //   divisor: 1,
                // });
            }
            if (!Number.isSafeInteger(input)) {
                if (input > 0) {
                    // too_big
                    payload.issues.push({
                        input,
                        code: "too_big",
                        maximum: Number.MAX_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                else {
                    // too_small
                    payload.issues.push({
                        input,
                        code: "too_small",
                        minimum: Number.MIN_SAFE_INTEGER,
                        note: "Integers must be within the safe integer range.",
                        inst,
                        origin,
                        inclusive: true,
                        continue: !def.abort,
                    });
                }
                return;
            }
        }
        if (input < minimum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_small",
                minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "number",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodCheckBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckBigIntFormat", (inst, def) => {
    $ZodCheck.init(inst, def); // no format checks
    const [minimum, maximum] = util.BIGINT_FORMAT_RANGES[def.format];
    inst._zod.check = (payload) => {
        const input = payload.value;
        if (input < minimum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_small",
                minimum: minimum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
        if (input > maximum) {
            payload.issues.push({
                origin: "bigint",
                input,
                code: "too_big",
                maximum,
                inclusive: true,
                inst,
                continue: !def.abort,
            });
        }
    };
})));
const $ZodCheckMaxSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMaxSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size <= def.maximum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMinSize = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMinSize", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size >= def.minimum)
            return;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckSizeEquals = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckSizeEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasSize);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const size = input.size;
        if (size === def.size)
            return;
        const tooBig = size > def.size;
        payload.issues.push({
            origin: util.getSizableOrigin(input),
            ...(tooBig ? { code: "too_big", maximum: def.size } : { code: "too_small", minimum: def.size }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckMaxLength = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckMaxLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // Strings are measured in Unicode code points, not UTF-16 units. A code point is at most two units, so a string that already fits in units fits in code points; only an overflow has to be counted.
        const length = typeof input === "string" && units > def.maximum ? core_util/* codePointLength */.O7(input) : units;
        if (length <= def.maximum)
            return;
        const origin = core_util/* getLengthableOrigin */.Rc(input);
        payload.issues.push({
            origin,
            code: "too_big",
            maximum: def.maximum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckMinLength = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckMinLength", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so fewer units than the floor can never reach it and twice the floor always clears it. Only in between is the exact count in doubt.
        const length = typeof input === "string" && units >= def.minimum && units < def.minimum * 2
            ? core_util/* codePointLength */.O7(input)
            : units;
        if (length >= def.minimum)
            return;
        const origin = core_util/* getLengthableOrigin */.Rc(input);
        payload.issues.push({
            origin,
            code: "too_small",
            minimum: def.minimum,
            inclusive: true,
            input,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLengthEquals = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckLengthEquals", (inst, def) => {
    var _a;
    $ZodCheck.init(inst, def);
    (_a = inst._zod.def).when ?? (_a.when = _whenHasLength);
    inst._zod.check = (payload) => {
        const input = payload.value;
        const units = input.length;
        // A code point is one or two UTF-16 units, so outside `[length, length * 2]` units the target is missed either way — and missed in the same direction in both measures.
        const length = typeof input === "string" && units >= def.length && units <= def.length * 2
            ? core_util/* codePointLength */.O7(input)
            : units;
        if (length === def.length)
            return;
        const origin = core_util/* getLengthableOrigin */.Rc(input);
        const tooBig = length > def.length;
        payload.issues.push({
            origin,
            ...(tooBig ? { code: "too_big", maximum: def.length } : { code: "too_small", minimum: def.length }),
            inclusive: true,
            exact: true,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStringFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckStringFormat", (inst, def) => {
    var _a, _b;
    $ZodCheck.init(inst, def);
    if (def.pattern)
        (_a = inst._zod).check ?? (_a.check = (payload) => {
            def.pattern.lastIndex = 0;
            if (def.pattern.test(payload.value))
                return;
            payload.issues.push({
                origin: "string",
                code: "invalid_format",
                format: def.format,
                input: payload.value,
                ...(def.pattern ? { pattern: def.pattern.toString() } : {}),
                inst,
                continue: !def.abort,
            });
        });
    else
        (_b = inst._zod).check ?? (_b.check = () => { });
});
const $ZodCheckRegex = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckRegex", (inst, def) => {
    $ZodCheckStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        def.pattern.lastIndex = 0;
        if (def.pattern.test(payload.value))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "regex",
            input: payload.value,
            pattern: def.pattern.toString(),
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckLowerCase = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckLowerCase", (inst, def) => {
    def.pattern ?? (def.pattern = lowercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckUpperCase = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckUpperCase", (inst, def) => {
    def.pattern ?? (def.pattern = uppercase);
    $ZodCheckStringFormat.init(inst, def);
});
const $ZodCheckIncludes = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckIncludes", (inst, def) => {
    $ZodCheck.init(inst, def);
    const escapedRegex = core_util/* escapeRegex */.sD(def.includes);
    // `String.prototype.includes(sub, position)` matches `sub` at `position`
    // OR LATER, so the pattern must allow at least `position` leading chars
    // (`{N,}`), not exactly `position` chars (`{N}`).
    const pattern = new RegExp(typeof def.position === "number" ? `^.{${def.position},}${escapedRegex}` : escapedRegex);
    def.pattern = pattern;
    inst._zod.check = (payload) => {
        if (payload.value.includes(def.includes, def.position))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "includes",
            includes: def.includes,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckStartsWith = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckStartsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`^${core_util/* escapeRegex */.sD(def.prefix)}.*`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.startsWith(def.prefix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "starts_with",
            prefix: def.prefix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCheckEndsWith = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckEndsWith", (inst, def) => {
    $ZodCheck.init(inst, def);
    const pattern = new RegExp(`.*${core_util/* escapeRegex */.sD(def.suffix)}$`);
    def.pattern ?? (def.pattern = pattern);
    inst._zod.check = (payload) => {
        if (payload.value.endsWith(def.suffix))
            return;
        payload.issues.push({
            origin: "string",
            code: "invalid_format",
            format: "ends_with",
            suffix: def.suffix,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
///////////////////////////////////
/////    $ZodCheckProperty    /////
///////////////////////////////////
function handleCheckPropertyResult(result, payload, property) {
    if (result.issues.length) {
        payload.issues.push(...core_util/* prefixIssues */.lQ(property, result.issues));
    }
}
const $ZodCheckProperty = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckProperty", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        const result = def.schema._zod.run({
            value: payload.value[def.property],
            issues: [],
        }, {});
        if (result instanceof Promise) {
            return result.then((result) => handleCheckPropertyResult(result, payload, def.property));
        }
        handleCheckPropertyResult(result, payload, def.property);
        return;
    };
})));
const $ZodCheckProperties = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckProperties", (inst, def) => {
    $ZodCheck.init(inst, def);
    core_util/* hide */.jD(inst, Symbol.iterator, function* () {
        yield inst;
    });
    // key and schema snapshotted together: reading one live and the other cached lets a later mutation of the caller's shape object pair a stale key with a missing schema
    let entries;
    inst._zod.check = (payload) => {
        // the base schema already typed the value, so only a nullish one is rejected here: the properties read on a primitive too, matching z.property() on a string's length
        if (payload.value == null) {
            payload.issues.push({ expected: "object", code: "invalid_type", input: payload.value, inst });
            return undefined;
        }
        entries ?? (entries = Reflect.ownKeys(def.shape).map((key) => [key, def.shape[key]]));
        const input = payload.value;
        let proms;
        for (const [key, schema] of entries) {
            const result = schema._zod.run({ value: input[key], issues: [] }, {});
            if (result instanceof Promise) {
                proms ?? (proms = []);
                proms.push(result.then((result) => handleCheckPropertyResult(result, payload, key)));
            }
            else {
                handleCheckPropertyResult(result, payload, key);
            }
        }
        if (proms)
            return Promise.all(proms).then(() => undefined);
        return undefined;
    };
});
const $ZodCheckMimeType = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCheckMimeType", (inst, def) => {
    $ZodCheck.init(inst, def);
    const mimeSet = new Set(def.mime);
    inst._zod.check = (payload) => {
        if (mimeSet.has(payload.value.type))
            return;
        payload.issues.push({
            code: "invalid_value",
            values: def.mime,
            input: payload.value.type,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodCheckOverwrite = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCheckOverwrite", (inst, def) => {
    $ZodCheck.init(inst, def);
    inst._zod.check = (payload) => {
        payload.value = def.tx(payload.value);
    };
});

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/doc.js
class Doc {
    constructor(args = [], closed = {}) {
        this.content = [];
        this.indent = 0;
        this.args = args;
        this.closed = closed;
    }
    // the compiler catches a child's throw and keeps writing into this doc, so the indent has to unwind with it
    indented(fn) {
        this.indent += 1;
        try {
            fn(this);
        }
        finally {
            this.indent -= 1;
        }
    }
    write(arg) {
        if (typeof arg === "function") {
            arg(this, { execution: "sync" });
            arg(this, { execution: "async" });
            return;
        }
        const content = arg;
        const lines = content.split("\n").filter((x) => x);
        const minIndent = Math.min(...lines.map((x) => x.length - x.trimStart().length));
        const dedented = lines.map((x) => x.slice(minIndent)).map((x) => " ".repeat(this.indent * 2) + x);
        for (const line of dedented) {
            this.content.push(line);
        }
    }
    compile() {
        const F = Function;
        const content = this?.content ?? [``];
        const factory = new F(...Object.keys(this.closed), `return function (${this.args.join(", ")}) {\n${content.join("\n")}\n};`);
        return factory(...Object.values(this.closed));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/versions.js
const version = {
    major: 4,
    minor: 6,
    patch: 7,
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/schemas.js







const $ZodType = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodType", (inst, def) => {
    var _a;
    inst ?? (inst = {});
    inst._zod.def = def; // set _def property
    inst._zod.bag = inst._zod.bag || {}; // initialize _bag object
    inst._zod.version = version;
    const defChecks = inst._zod.def.checks;
    // if inst is itself a checks.$ZodCheck, run it as a check
    const checks = inst._zod.traits.has("$ZodCheck")
        ? [inst, ...(defChecks ?? [])]
        : defChecks?.length
            ? [...defChecks]
            : [];
    for (const ch of checks) {
        for (const fn of ch._zod.onattach) {
            fn(inst);
        }
    }
    if (checks.length === 0) {
        // deferred initializer inst._zod.parse is not yet defined
        (_a = inst._zod).deferred ?? (_a.deferred = []);
        inst._zod.deferred?.push(() => {
            inst._zod.run = inst._zod.parse;
        });
    }
    else {
        const runChecks = (payload, checks, ctx) => {
            if (payload.memo)
                return payload;
            let isAborted = core_util/* aborted */.QH(payload);
            let asyncResult;
            for (const ch of checks) {
                if (ch._zod.def.when) {
                    if (core_util/* explicitlyAborted */.rL(payload))
                        continue;
                    const shouldRun = ch._zod.def.when(payload);
                    if (!shouldRun)
                        continue;
                }
                else if (isAborted) {
                    continue;
                }
                const currLen = payload.issues.length;
                const _ = ch._zod.check(payload);
                if (_ instanceof Promise && ctx?.async === false) {
                    throw new core_core/* $ZodAsyncError */.GT();
                }
                if (asyncResult || _ instanceof Promise) {
                    asyncResult = (asyncResult ?? Promise.resolve()).then(async () => {
                        await _;
                        const nextLen = payload.issues.length;
                        if (nextLen === currLen)
                            return;
                        core_util/* attachSchema */.d3(payload.issues, currLen, inst);
                        if (!isAborted)
                            isAborted = core_util/* aborted */.QH(payload, currLen);
                    });
                }
                else {
                    const nextLen = payload.issues.length;
                    if (nextLen === currLen)
                        continue;
                    core_util/* attachSchema */.d3(payload.issues, currLen, inst);
                    if (!isAborted)
                        isAborted = core_util/* aborted */.QH(payload, currLen);
                }
            }
            if (asyncResult) {
                return asyncResult.then(() => {
                    return payload;
                });
            }
            return payload;
        };
        const handleCanaryResult = (canary, payload, ctx) => {
            // abort if the canary is aborted
            if (core_util/* aborted */.QH(canary)) {
                canary.aborted = true;
                return canary;
            }
            // run checks first, then
            const checkResult = runChecks(payload, checks, ctx);
            if (checkResult instanceof Promise) {
                if (ctx.async === false)
                    throw new core_core/* $ZodAsyncError */.GT();
                return checkResult.then((checkResult) => inst._zod.parse(checkResult, ctx));
            }
            return inst._zod.parse(checkResult, ctx);
        };
        inst._zod.run = (payload, ctx) => {
            if (ctx.skipChecks) {
                return inst._zod.parse(payload, ctx);
            }
            if (ctx.direction === "backward") {
                // run canary initial pass (no checks)
                const canary = inst._zod.parse({ value: payload.value, issues: [] }, { ...ctx, skipChecks: true });
                if (canary instanceof Promise) {
                    return canary.then((canary) => {
                        return handleCanaryResult(canary, payload, ctx);
                    });
                }
                return handleCanaryResult(canary, payload, ctx);
            }
            // forward
            const result = inst._zod.parse(payload, ctx);
            if (result instanceof Promise) {
                if (ctx.async === false)
                    throw new core_core/* $ZodAsyncError */.GT();
                return result.then((result) => runChecks(result, checks, ctx));
            }
            return runChecks(result, checks, ctx);
        };
    }
}, {
    // Wrappers extend this by installing a richer factory over it; reading it eagerly would defeat the laziness.
    get "~standard"() {
        return core_util/* hide */.jD(this, "~standard", standardProps(this));
    },
    set "~standard"(value) {
        core_util/* own */.qh(this, "~standard", value);
    },
});
/** The Standard Schema surface for `inst`. Shared so wrappers can extend it without forcing it. */
// a Standard Schema result only reports issues, so a failure finalizes them straight off the raw payload: no ZodError, and no lazy result to read through
const toStandardResult = (r, ctx) => r.issues.length ? { issues: r.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())) } : { value: r.value };
async function validateAsync(inst, value) {
    const ctx = { async: true };
    return toStandardResult((await inst._zod.run({ value, issues: [] }, ctx)), ctx);
}
function standardProps(inst) {
    return {
        validate: (value) => {
            const ctx = { async: false };
            try {
                const r = inst._zod.run({ value, issues: [] }, ctx);
                if (!(r instanceof Promise))
                    return toStandardResult(r, ctx);
            }
            catch (_) { }
            // async function so a synchronously throwing check rejects instead of escaping validate
            return validateAsync(inst, value);
        },
        vendor: "zod",
        version: 1,
    };
}

const $ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodString", (inst, def) => {
    $ZodType.init(inst, def);
    // a format's own pattern, else unbounded; a template literal derives the check-aware form itself
    inst._zod.pattern = def.pattern ?? anyString;
    inst._zod.parse = (payload, _) => {
        if (def.coerce)
            try {
                payload.value = String(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "string")
            return payload;
        payload.issues.push({
            expected: "string",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodStringFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodStringFormat", (inst, def) => {
    // check initialization must come first
    $ZodCheckStringFormat.init(inst, def);
    $ZodString.init(inst, def);
});
const $ZodGUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodGUID", (inst, def) => {
    def.pattern ?? (def.pattern = guid);
    $ZodStringFormat.init(inst, def);
});
const $ZodUUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodUUID", (inst, def) => {
    if (def.version) {
        const versionMap = {
            v1: 1,
            v2: 2,
            v3: 3,
            v4: 4,
            v5: 5,
            v6: 6,
            v7: 7,
            v8: 8,
        };
        const v = versionMap[def.version];
        if (v === undefined)
            throw new Error(`Invalid UUID version: "${def.version}"`);
        def.pattern ?? (def.pattern = uuid(v));
    }
    else
        def.pattern ?? (def.pattern = uuid());
    $ZodStringFormat.init(inst, def);
});
const $ZodEmail = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEmail", (inst, def) => {
    def.pattern ?? (def.pattern = email);
    $ZodStringFormat.init(inst, def);
});
/** The `://` guard rejected the input before the URL constructor saw it. */
const URL_BAD_FORMAT = 1;
/** The URL parser rejected the input. */
const URL_UNPARSEABLE = 2;
function canParseURL(input) {
    try {
        if (typeof URL !== "undefined" && typeof URL.canParse === "function")
            return URL.canParse(input);
        new URL(input);
        return true;
    }
    catch {
        return false;
    }
}
function validateURL(trimmed, def) {
    if (!("normalize" in def) && !("hostname" in def) && !("protocol" in def)) {
        return canParseURL(trimmed) || URL_UNPARSEABLE;
    }
    return parseURLObject(trimmed, def);
}
/** Parses a URL while preserving the non-normalizing HTTP guard. */
function parseURLObject(trimmed, def) {
    // When normalize is off, require :// for http/https URLs. This prevents strings like "http:example.com" or "https:/path" from being silently accepted
    if (!def.normalize && def.protocol?.source === httpProtocol.source && !/^https?:\/\//i.test(trimmed)) {
        return URL_BAD_FORMAT;
    }
    try {
        if (typeof URL !== "undefined") {
            const URLStatic = URL;
            if (typeof URLStatic.parse === "function")
                return URLStatic.parse(trimmed) ?? URL_UNPARSEABLE;
        }
        // @ts-ignore
        return new URL(trimmed);
    }
    catch {
        return URL_UNPARSEABLE;
    }
}
const asciiTabOrNewline = /[\t\n\r]/g;
/** The URL parser deletes every ASCII tab, LF and CR from its input before it parses, so `new URL("https://exa\nmple.com")` reports on `example.com`. Applying the same deletion to the returned value closes the half of that divergence which can move the host; the parser's other rewrite, stripping C0 controls at the edges, cannot. */
function stripTabAndNewline(value) {
    return value.replace(asciiTabOrNewline, "");
}
function urlHostnameOk(url, hostname) {
    hostname.lastIndex = 0;
    return hostname.test(url.hostname);
}
function urlProtocolOk(url, protocol) {
    protocol.lastIndex = 0;
    return protocol.test(url.protocol.endsWith(":") ? url.protocol.slice(0, -1) : url.protocol);
}
const $ZodURL = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodURL", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        try {
            // Trim whitespace from input
            const trimmed = payload.value.trim();
            const url = validateURL(trimmed, def);
            if (url === URL_BAD_FORMAT) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid URL format",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === URL_UNPARSEABLE) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
                return;
            }
            if (url === true) {
                payload.value = stripTabAndNewline(trimmed);
                return;
            }
            if (def.hostname && !urlHostnameOk(url, def.hostname)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid hostname",
                    pattern: def.hostname.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            if (def.protocol && !urlProtocolOk(url, def.protocol)) {
                payload.issues.push({
                    code: "invalid_format",
                    format: "url",
                    note: "Invalid protocol",
                    pattern: def.protocol.source,
                    input: payload.value,
                    inst,
                    continue: !def.abort,
                });
            }
            // Set the output value based on normalize flag
            payload.value = def.normalize ? url.href : stripTabAndNewline(trimmed);
            return;
        }
        catch (_) {
            payload.issues.push({
                code: "invalid_format",
                format: "url",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodEmoji = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEmoji", (inst, def) => {
    def.pattern ?? (def.pattern = emoji());
    $ZodStringFormat.init(inst, def);
});
const $ZodNanoID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNanoID", (inst, def) => {
    if (def.length !== undefined && (!Number.isInteger(def.length) || def.length < 1))
        throw new Error(`Invalid nanoid length: ${def.length}`);
    def.pattern ?? (def.pattern = def.length === undefined ? nanoid : nanoidOfLength(def.length));
    $ZodStringFormat.init(inst, def);
});
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link $ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const $ZodCUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCUID", (inst, def) => {
    def.pattern ?? (def.pattern = cuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodCUID2 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCUID2", (inst, def) => {
    def.pattern ?? (def.pattern = cuid2);
    $ZodStringFormat.init(inst, def);
});
const $ZodULID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodULID", (inst, def) => {
    def.pattern ?? (def.pattern = ulid);
    $ZodStringFormat.init(inst, def);
});
const $ZodXID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodXID", (inst, def) => {
    def.pattern ?? (def.pattern = xid);
    $ZodStringFormat.init(inst, def);
});
const $ZodKSUID = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodKSUID", (inst, def) => {
    def.pattern ?? (def.pattern = ksuid);
    $ZodStringFormat.init(inst, def);
});
const $ZodISODateTime = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODateTime", (inst, def) => {
    def.pattern ?? (def.pattern = datetime(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODate = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODate", (inst, def) => {
    def.pattern ?? (def.pattern = date);
    $ZodStringFormat.init(inst, def);
});
const $ZodISOTime = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISOTime", (inst, def) => {
    def.pattern ?? (def.pattern = time(def));
    $ZodStringFormat.init(inst, def);
});
const $ZodISODuration = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodISODuration", (inst, def) => {
    def.pattern ?? (def.pattern = duration);
    $ZodStringFormat.init(inst, def);
});
const $ZodIPv4 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIPv4", (inst, def) => {
    def.pattern ?? (def.pattern = ipv4);
    $ZodStringFormat.init(inst, def);
});
/** An IPv6 address is written with hex digits, colons and dots, and nothing else. The guard is what makes the check below an IPv6 check: `new URL("http://[...]")` parses an authority, not an address, so `@` and `\` re-delimit it and `"::@1\\"` validates against the host `0.0.0.1`. The URL parser also deletes ASCII tab, LF and CR rather than failing, which is how `"::1\n"` validated as `::1`. */
const ipv6Alphabet = /^[0-9a-fA-F:.]+$/;
function isValidIPv6(value) {
    if (!ipv6Alphabet.test(value))
        return false;
    return canParseURL(`http://[${value}]`);
}
const $ZodIPv6 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIPv6", (inst, def) => {
    def.pattern ?? (def.pattern = ipv6);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidIPv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "ipv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
const $ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMAC", (inst, def) => {
    def.pattern ?? (def.pattern = regexes.mac(def.delimiter));
    $ZodStringFormat.init(inst, def);
})));
const $ZodCIDRv4 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCIDRv4", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv4);
    $ZodStringFormat.init(inst, def);
});
function isValidCIDRv6(value) {
    const parts = value.split("/");
    if (parts.length !== 2)
        return false;
    const [address, prefix] = parts;
    if (!prefix)
        return false;
    const prefixNum = Number(prefix);
    if (`${prefixNum}` !== prefix)
        return false;
    if (prefixNum < 0 || prefixNum > 128)
        return false;
    return isValidIPv6(address);
}
const $ZodCIDRv6 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCIDRv6", (inst, def) => {
    def.pattern ?? (def.pattern = cidrv6); // not used for validation
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (!isValidCIDRv6(payload.value)) {
            payload.issues.push({
                code: "invalid_format",
                format: "cidrv6",
                input: payload.value,
                inst,
                continue: !def.abort,
            });
        }
    };
});
//////////////////////////////   ZodBase64   //////////////////////////////
function isValidBase64(data) {
    if (data === "")
        return true;
    // atob ignores whitespace, so reject it up front.
    if (/\s/.test(data))
        return false;
    if (data.length % 4 !== 0)
        return false;
    try {
        // @ts-ignore
        atob(data);
        return true;
    }
    catch {
        return false;
    }
}
// lax on purpose: the quantified regexes.base64 overflows the regex stack on multi-MB input and its leading ^$| alternation leaks through template-literal composition; isValidBase64 enforces length and padding
const base64Charset = /^[0-9a-zA-Z+/]*={0,2}$/;
const $ZodBase64 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBase64", (inst, def) => {
    def.pattern ?? (def.pattern = base64Charset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
//////////////////////////////   ZodBase64URL   //////////////////////////////
// lax on purpose: the quantified regexes.base64url overflows the regex stack on multi-MB input; isValidBase64 enforces length on the padded string
const base64urlCharset = /^[A-Za-z0-9_-]*$/;
function isValidBase64URL(data) {
    if (!base64urlCharset.test(data))
        return false;
    const base64 = data.replace(/[-_]/g, (c) => (c === "-" ? "+" : "/"));
    const padded = base64.padEnd(Math.ceil(base64.length / 4) * 4, "=");
    return isValidBase64(padded);
}
const $ZodBase64URL = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBase64URL", (inst, def) => {
    def.pattern ?? (def.pattern = base64urlCharset);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidBase64URL(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "base64url",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodE164 = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodE164", (inst, def) => {
    def.pattern ?? (def.pattern = e164);
    $ZodStringFormat.init(inst, def);
});
//////////////////////////////   ZodCreditCard   //////////////////////////////
const CC_SANITIZE = /[- ]/g;
/** Luhn checksum on a digit-only string. Adapted from valibot (MIT). */
function isLuhnAlgo(digits) {
    let length = digits.length;
    let bit = 1;
    let sum = 0;
    while (length) {
        const value = digits.charCodeAt(--length) - 48;
        bit ^= 1;
        sum += bit ? [0, 2, 4, 6, 8, 1, 3, 5, 7, 9][value] : value;
    }
    return sum % 10 === 0;
}
function isValidCreditCard(input) {
    if (!regexes.creditCard.test(input))
        return false;
    return isLuhnAlgo(input.replace(CC_SANITIZE, ""));
}
const $ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCreditCard", (inst, def) => {
    // Shape only — the Luhn check below is not expressible as a pattern, so consumers of `pattern` (JSON Schema, template literals) get the length and separator rules alone.
    def.pattern ?? (def.pattern = regexes.creditCard);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidCreditCard(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "credit_card",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodIBAN   //////////////////////////////
// iso 7064 mod 97-10 checksum without BigInt
function isIso7064Mod97(iban) {
    let remainder = 0;
    const len = iban.length;
    for (let i = 4; i < len; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    for (let i = 0; i < 4; i++) {
        const code = iban.charCodeAt(i);
        remainder = (code >= 65 ? remainder * 100 + (code - 55) : remainder * 10 + (code - 48)) % 97;
    }
    return remainder === 1;
}
function isValidIBAN(input) {
    if (!regexes.iban.test(input))
        return false;
    return isIso7064Mod97(input);
}
const $ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodIBAN", (inst, def) => {
    // shape only — checksum is not expressible as a pattern
    def.pattern ?? (def.pattern = regexes.iban);
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidIBAN(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "iban",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
//////////////////////////////   ZodJWT   //////////////////////////////
function isValidJWT(token, algorithm = null) {
    try {
        const tokensParts = token.split(".");
        if (tokensParts.length !== 3)
            return false;
        const [header] = tokensParts;
        if (!header)
            return false;
        // @ts-ignore
        const parsedHeader = JSON.parse(atob(header));
        if ("typ" in parsedHeader && parsedHeader?.typ !== "JWT")
            return false;
        if (!parsedHeader.alg)
            return false;
        if (algorithm && (!("alg" in parsedHeader) || parsedHeader.alg !== algorithm))
            return false;
        return true;
    }
    catch {
        return false;
    }
}
const $ZodJWT = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodJWT", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (isValidJWT(payload.value, def.alg))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: "jwt",
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
});
const $ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCustomStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    inst._zod.check = (payload) => {
        if (def.fn(payload.value))
            return;
        payload.issues.push({
            code: "invalid_format",
            format: def.format,
            input: payload.value,
            inst,
            continue: !def.abort,
        });
    };
})));
const $ZodNumber = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNumber", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = number;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Number(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "number" && !Number.isNaN(input) && Number.isFinite(input)) {
            return payload;
        }
        const received = typeof input === "number"
            ? Number.isNaN(input)
                ? "NaN"
                : !Number.isFinite(input)
                    ? String(input)
                    : undefined
            : undefined;
        payload.issues.push({
            expected: "number",
            code: "invalid_type",
            input,
            inst,
            ...(received ? { received } : {}),
        });
        return payload;
    };
});
const $ZodNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNumberFormat", (inst, def) => {
    $ZodCheckNumberFormat.init(inst, def);
    $ZodNumber.init(inst, def); // no format checks
});
const $ZodBoolean = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBoolean", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes_boolean;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = Boolean(payload.value);
            }
            catch (_) { }
        const input = payload.value;
        if (typeof input === "boolean")
            return payload;
        payload.issues.push({
            expected: "boolean",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
});
const $ZodBigInt = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodBigInt", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = bigint;
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce)
            try {
                payload.value = BigInt(payload.value);
            }
            catch (_) { }
        if (typeof payload.value === "bigint")
            return payload;
        payload.issues.push({
            expected: "bigint",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodBigIntFormat", (inst, def) => {
    checks.$ZodCheckBigIntFormat.init(inst, def);
    $ZodBigInt.init(inst, def); // no format checks
})));
const $ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSymbol", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "symbol")
            return payload;
        payload.issues.push({
            expected: "symbol",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodUndefined", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.undefined;
    inst._zod.values = new Set([undefined]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "undefined",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNull", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.pattern = regexes.null;
    inst._zod.values = new Set([null]);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (input === null)
            return payload;
        payload.issues.push({
            expected: "null",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodAny", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
})));
const $ZodUnknown = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodUnknown", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload) => payload;
});
const $ZodNever = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNever", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        payload.issues.push({
            expected: "never",
            code: "invalid_type",
            input: payload.value,
            inst,
        });
        return payload;
    };
});
const $ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodVoid", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (typeof input === "undefined")
            return payload;
        payload.issues.push({
            expected: "void",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodDate = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodDate", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (def.coerce) {
            try {
                payload.value = new Date(payload.value);
            }
            catch (_err) { }
        }
        const input = payload.value;
        const isDate = input instanceof Date;
        const isValidDate = isDate && !Number.isNaN(input.getTime());
        if (isValidDate)
            return payload;
        payload.issues.push({
            expected: "date",
            code: "invalid_type",
            input,
            ...(isDate ? { received: "Invalid Date" } : {}),
            inst,
        });
        return payload;
    };
});
// an oversized container fails its leading size checks before any element is parsed
function capSize(inst, size) {
    const caps = core_util/* sizeCaps */.hi(inst._zod.def.checks);
    if (!caps.length)
        return;
    const cap = Math.min(...caps.map((c) => c[0]));
    const parse = inst._zod.parse;
    inst._zod.parse = (payload, ctx) => {
        const n = size(payload.value);
        if (n > cap && !ctx?.skipChecks && ctx?.direction !== "backward") {
            for (const [max, ch] of core_util/* sizeCaps */.hi(inst._zod.def.checks)) {
                if (n > max && ch._zod.def.when(payload)) {
                    const start = payload.issues.length;
                    ch._zod.check(payload);
                    // the value is still the raw input, so no later check may read it
                    payload.issues[start].continue = false;
                    core_util/* attachSchema */.d3(payload.issues, start, inst);
                    return payload;
                }
            }
        }
        return parse(payload, ctx);
    };
}
const arraySize = (input) => (Array.isArray(input) ? input.length : -1);
const mapSize = (input) => (input instanceof Map ? input.size : -1);
const setSize = (input) => (input instanceof Set ? input.size : -1);
function handleArrayResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...core_util/* prefixIssues */.lQ(index, result.issues));
    }
    final.value[index] = result.value;
}
const $ZodArray = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodArray", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                expected: "array",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, Array(input.length), ctx) : Array(input.length);
        const proms = [];
        const abortEarly = ctx?.abortEarly;
        for (let i = 0; i < input.length; i++) {
            const item = input[i];
            const result = def.element._zod.run({
                value: item,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleArrayResult(result, payload, i)));
            }
            else {
                handleArrayResult(result, payload, i);
                // the element's payload is authoritative here, since handleArrayResult forwards every issue; an object's is not, because it drops a failed absent optional
                if (abortEarly && result.issues.length !== 0 && core_util/* aborted */.QH(result))
                    break;
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload; //handleArrayResultsAsync(parseResults, final);
    };
    capSize(inst, arraySize);
});
function handlePropertyResult(result, final, key, input, optin, optout) {
    const isPresent = key in input;
    const isOptionalOut = optout === "optional";
    // The middle rung means "absence permitted, nothing supplied in its place", so an absent key contributes nothing — whatever the schema made of `undefined` is invented, not substituted. Only `optional` reaches this with a value: `defaulted` substitutes, and a schema that isn't optional-out has to keep the key.
    if (!isPresent && isOptionalOut && optin === "optional") {
        return;
    }
    if (result.issues.length) {
        // For optional-in/out schemas, ignore errors on absent keys.
        if (optin !== undefined && isOptionalOut && !isPresent) {
            return;
        }
        final.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
    }
    if (!isPresent && optin === undefined) {
        if (!result.issues.length) {
            final.issues.push({
                code: "invalid_type",
                expected: "nonoptional",
                input: undefined,
                path: [key],
            });
        }
        return;
    }
    if (result.value === undefined) {
        if (isPresent || (optin === "defaulted" && !isOptionalOut)) {
            final.value[key] = undefined;
        }
    }
    else {
        final.value[key] = result.value;
    }
}
// one shared instance; a fresh [] per schema cost 56 bytes retained
const NO_SYMBOL_KEYS = [];
function normalizeDef(def) {
    const keys = Object.keys(def.shape);
    const ownSymbols = Object.getOwnPropertySymbols(def.shape);
    const symbolKeys = ownSymbols.length ? ownSymbols : NO_SYMBOL_KEYS;
    // aliases `keys` when there are no symbols, so a string-only shape keeps one array
    const allKeys = symbolKeys.length ? [...keys, ...symbolKeys] : keys;
    for (const k of allKeys) {
        if (!def.shape?.[k]?._zod?.traits?.has("$ZodType")) {
            throw new Error(`Invalid element at key "${String(k)}": expected a Zod schema`);
        }
    }
    const okeys = core_util/* optionalKeys */.NM(def.shape);
    return {
        ...def,
        allKeys,
        symbolKeys,
        // string-only: handleCatchall matches it against `for...in`, which never yields a symbol
        keySet: new Set(keys),
        numKeys: keys.length,
        optionalKeys: new Set(okeys),
    };
}
function handleCatchall(proms, input, payload, ctx, def, inst, abortEarly) {
    const unrecognized = [];
    const keySet = def.keySet;
    const _catchall = def.catchall._zod;
    const t = _catchall.def.type;
    const optin = _catchall.optin;
    const optout = _catchall.optout;
    // starts at 0, not the current length: the shape phase already ran and may have aborted
    let seen = 0;
    for (const key in input) {
        if (abortEarly && payload.issues.length !== seen) {
            if (core_util/* aborted */.QH(payload, seen))
                break;
            seen = payload.issues.length;
        }
        // Must precede the __proto__ branch: a declared key is not unrecognized, even though the shape loop deliberately strips __proto__ from the parsed output.
        if (keySet.has(key))
            continue;
        // Don't copy an undeclared __proto__ into the result; assignment to a plain {} would replace the result prototype. But in strict mode it is still an unknown key, so report it before skipping.
        if (key === "__proto__") {
            if (t === "never")
                unrecognized.push(key);
            continue;
        }
        if (t === "never") {
            unrecognized.push(key);
            continue;
        }
        const r = _catchall.run({ value: input[key], issues: [] }, ctx);
        if (r instanceof Promise) {
            proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
        }
        else {
            handlePropertyResult(r, payload, key, input, optin, optout);
        }
    }
    if (unrecognized.length) {
        payload.issues.push({
            code: "unrecognized_keys",
            keys: unrecognized,
            input,
            inst,
            // Describes the shape of the input, not the validity of the parsed value, so it never aborts. The parse still fails; the schema's own checks just get to run first, and an enclosing intersection can reconcile the key against a sibling operand.
            continue: true,
        });
    }
    if (!proms.length)
        return payload;
    return Promise.all(proms).then(() => {
        return payload;
    });
}
const $ZodObject = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodObject", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodType.init(inst, def);
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    // a cloned def carries its source's accessor, which knows the shape it answers from; adopting that keeps the clone's keys readable without running it
    const sh = desc?.get ? desc.get.raw : (def.shape ?? {});
    if (sh) {
        // Freezes the shape on first read, so its getters resolve once and every later read sees the same schemas.
        const get = () => {
            const newSh = { ...sh };
            Object.defineProperty(def, "shape", { value: newSh });
            get.raw = newSh;
            return newSh;
        };
        get.raw = sh;
        Object.defineProperty(def, "shape", { get });
    }
    const _normalized = core_util/* cached */.PO(() => normalizeDef(def));
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => {
        const shape = zod.def.shape;
        const propValues = {};
        for (const key in shape) {
            const field = shape[key]._zod;
            if (field.values) {
                if (!Object.prototype.hasOwnProperty.call(propValues, key)) {
                    core_util/* assignProp */.Vy(propValues, key, new Set());
                }
                for (const v of field.values)
                    propValues[key].add(v);
                // An omittable slot reads back as undefined at a discriminator lookup, so it has to claim undefined: two options that can both omit the key are not discriminable on it.
                if (field.optin !== undefined)
                    propValues[key].add(undefined);
            }
        }
        return propValues;
    });
    const isObject = core_util/* isObject */.Gv;
    const catchall = def.catchall;
    let value;
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
        const proms = [];
        const shape = value.shape;
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const key of value.allKeys) {
            if (abortEarly && payload.issues.length !== seen) {
                if (core_util/* aborted */.QH(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            if (key === "__proto__")
                continue;
            const el = shape[key];
            const optin = el._zod.optin;
            const optout = el._zod.optout;
            const r = el._zod.run({ value: input[key], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((r) => handlePropertyResult(r, payload, key, input, optin, optout)));
            }
            else {
                handlePropertyResult(r, payload, key, input, optin, optout);
            }
        }
        if (!catchall) {
            return proms.length ? Promise.all(proms).then(() => payload) : payload;
        }
        return handleCatchall(proms, input, payload, ctx, _normalized.value, inst, abortEarly === true);
    };
});
const $ZodObjectJIT = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodObjectJIT", (inst, def) => {
    // requires cast because technically $ZodObject doesn't extend
    $ZodObject.init(inst, def);
    const superParse = inst._zod.parse;
    const _normalized = core_util/* cached */.PO(() => normalizeDef(def));
    const memo = core_core/* globalConfig */.cr.memoizer;
    const generateFastpass = (shape) => {
        const normalized = _normalized.value;
        const syms = normalized.symbolKeys;
        // a symbol has no source literal, so it is read as `syms[i]` off the closed-over scope
        const doc = new Doc(["payload", "ctx"], { shape, inst, memo, syms });
        const parseStr = (k) => `shape[${k}]._zod.run({ value: input[${k}], issues: [] }, ctx)`;
        // prefixes in place, like util.prefixIssues. newResult must land before the early return: a catchall runs after this and would otherwise write onto the caller's input
        const prefixStr = (id, k) => `
          let ${id}_ab = false;
          for (let i = 0; i < ${id}.issues.length; i++) {
            const iss = ${id}.issues[i];
            iss.path = iss.path ? [${k}, ...iss.path] : [${k}];
            payload.issues.push(iss);
            if (iss.continue !== true) ${id}_ab = true;
          }
          if (${id}_ab && ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }`;
        doc.write(`const input = payload.value;`);
        const ids = Object.create(null);
        let counter = 0;
        for (const key of normalized.allKeys) {
            ids[key] = `key_${counter++}`;
        }
        // A: preserve key order {
        doc.write(memo ? `const newResult = memo.alloc(inst, payload, {}, ctx);` : `const newResult = {};`);
        for (const key of normalized.allKeys) {
            if (key === "__proto__")
                continue;
            const id = ids[key];
            const k = typeof key === "symbol" ? `syms[${syms.indexOf(key)}]` : core_util/* esc */.UQ(key);
            const isPresent = `${k} in input`;
            const schema = shape[key];
            const optin = schema?._zod?.optin;
            const isOptionalIn = optin !== undefined;
            const isOptionalOut = schema?._zod?.optout === "optional";
            doc.write(`const ${id} = ${parseStr(k)};`);
            if (isOptionalIn && isOptionalOut) {
                // For optional-in/out schemas, ignore errors on absent keys — and, like the interpreted path, drop the value produced alongside them. The middle rung goes further: it permits absence without supplying anything in its place, so an absent key contributes nothing at all.
                const assign = optin === "optional" ? `${id}_present` : `${id}.value !== undefined || ${id}_present`;
                doc.write(`
        const ${id}_present = ${isPresent};
        if (!${id}.issues.length || ${id}_present) {
          if (${id}.issues.length) {${prefixStr(id, k)}
          }

          if (${assign}) {
            newResult[${k}] = ${id}.value;
          }
        }

      `);
            }
            else if (!isOptionalIn) {
                doc.write(`
        const ${id}_present = ${isPresent};
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
        if (!${id}_present && !${id}.issues.length) {
          payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: undefined,
            path: [${k}]
          });
          if (ctx && ctx.abortEarly) {
            payload.value = newResult;
            return payload;
          }
        }

        if (${id}_present) {
          newResult[${k}] = ${id}.value;
        }

      `);
            }
            else {
                doc.write(`
        if (${id}.issues.length) {${prefixStr(id, k)}
        }
      `);
                if (optin === "defaulted") {
                    doc.write(`newResult[${k}] = ${id}.value;`);
                }
                else {
                    doc.write(`
        if (${id}.value !== undefined || ${isPresent}) {
          newResult[${k}] = ${id}.value;
        }
      `);
                }
            }
        }
        doc.write(`payload.value = newResult;`);
        doc.write(`return payload;`);
        // closing `shape` in is what pays: turbofan specializes the parser against that one shape object, so every `shape[k]._zod.run` folds to a known callee. as a parameter it stays a generic load and measures 13% slower even with the forwarding frame gone
        return doc.compile();
    };
    let fastpass;
    const isObject = core_util/* isObject */.Gv;
    const jit = !core_core/* globalConfig */.cr.jitless;
    const allowsEval = core_util/* allowsEval */.hI;
    const fastEnabled = jit && allowsEval.value; // && !def.catchall;
    const catchall = def.catchall;
    let value;
    inst._zod.parse = (payload, ctx) => {
        value ?? (value = _normalized.value);
        const input = payload.value;
        if (!isObject(input)) {
            payload.issues.push({
                expected: "object",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        if (jit && fastEnabled && ctx?.async === false && ctx.jitless !== true) {
            // always synchronous
            if (!fastpass)
                fastpass = generateFastpass(def.shape);
            payload = fastpass(payload, ctx);
            if (!catchall)
                return payload;
            return handleCatchall([], input, payload, ctx, value, inst, ctx?.abortEarly === true);
        }
        return superParse(payload, ctx);
    };
});
function handleUnionResults(results, final, inst, ctx) {
    for (const result of results) {
        if (result.issues.length === 0) {
            final.value = result.value;
            return final;
        }
    }
    const nonaborted = results.filter((r) => !core_util/* aborted */.QH(r));
    if (nonaborted.length === 1) {
        final.value = nonaborted[0].value;
        return nonaborted[0];
    }
    final.issues.push({
        code: "invalid_union",
        input: final.value,
        inst,
        errors: results.map((result) => result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W()))),
    });
    return final;
}
const $ZodUnion = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodUnion", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.options.some((o) => o._zod.optin === "defaulted")
        ? "defaulted"
        : zod.def.options.some((o) => o._zod.optin !== undefined)
            ? "optional"
            : undefined);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.options.some((o) => o._zod.optout === "optional") ? "optional" : undefined);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        if (zod.def.options.every((o) => o._zod.values)) {
            return new Set(zod.def.options.flatMap((option) => Array.from(option._zod.values)));
        }
        return undefined;
    });
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        if (zod.def.options.every((o) => o._zod.pattern)) {
            const patterns = zod.def.options.map((o) => o._zod.pattern);
            return new RegExp(`^(${patterns.map((p) => core_util/* cleanRegex */.p6(p.source)).join("|")})$`);
        }
        return undefined;
    });
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                if (result.issues.length === 0)
                    return result;
                results.push(result);
            }
        }
        if (!async)
            return handleUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleUnionResults(results, payload, inst, ctx);
        });
    };
});
function handleExclusiveUnionResults(results, final, inst, ctx) {
    const matches = [];
    for (let i = 0; i < results.length; i++) {
        if (results[i].issues.length === 0)
            matches.push(i);
    }
    if (matches.length === 1) {
        final.value = results[matches[0]].value;
        return final;
    }
    if (matches.length === 0) {
        // No matches - same as regular union
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: results.map((result) => result.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config()))),
        });
    }
    else {
        // Multiple matches - exclusive union failure
        final.issues.push({
            code: "invalid_union",
            input: final.value,
            inst,
            errors: [],
            inclusive: false,
            matches,
        });
    }
    return final;
}
const $ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodXor", (inst, def) => {
    $ZodUnion.init(inst, def);
    def.inclusive = false;
    const first = def.options.length === 1 ? def.options[0]._zod.run : null;
    inst._zod.parse = (payload, ctx) => {
        if (first) {
            return first(payload, ctx);
        }
        let async = false;
        const results = [];
        for (const option of def.options) {
            const result = option._zod.run({
                value: payload.value,
                issues: [],
            }, ctx);
            if (result instanceof Promise) {
                results.push(result);
                async = true;
            }
            else {
                results.push(result);
            }
        }
        if (!async)
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        return Promise.all(results).then((results) => {
            return handleExclusiveUnionResults(results, payload, inst, ctx);
        });
    };
})));
/** Returns the option whose discriminator claims `value`, or throws if ambiguous. */
function getDiscriminatedOption(union, value) {
    const internals = union._zod;
    let map = internals.bag.optionsMap;
    if (!map) {
        map = discriminatorMap(internals.def);
        internals.bag.optionsMap = map;
    }
    const option = map.get(value);
    if (option === null)
        throw new Error(`Ambiguous discriminator value "${String(value)}"`);
    return option;
}
function discriminatorMap(def) {
    const map = new Map();
    for (const option of def.options) {
        const values = option._zod.propValues?.[def.discriminator];
        if (!values || values.size === 0)
            throw new Error(`Invalid discriminated union option at index "${def.options.indexOf(option)}"`);
        for (const value of values) {
            if (map.has(value)) {
                if (value !== undefined)
                    throw new Error(`Duplicate discriminator value "${String(value)}"`);
                // keep the collision marked so a later member cannot reclaim it
                map.set(value, null);
            }
            else {
                map.set(value, option);
            }
        }
    }
    return map;
}
const $ZodDiscriminatedUnion = 
/*@__PURE__*/
(/* unused pure expression or super */ null && (core.$constructor("$ZodDiscriminatedUnion", (inst, def) => {
    def.inclusive = false;
    $ZodUnion.init(inst, def);
    const _super = inst._zod.parse;
    util.defineLazyInternal(inst, "propValues", (zod) => {
        const propValues = {};
        let undefinedCount = 0;
        for (const option of zod.def.options) {
            const pv = option._zod.propValues;
            if (!pv || Object.keys(pv).length === 0)
                throw new Error(`Invalid discriminated union option at index "${zod.def.options.indexOf(option)}"`);
            if (pv[zod.def.discriminator]?.has(undefined))
                undefinedCount++;
            for (const [k, v] of Object.entries(pv)) {
                if (!Object.prototype.hasOwnProperty.call(propValues, k)) {
                    util.assignProp(propValues, k, new Set());
                }
                for (const val of v) {
                    propValues[k].add(val);
                }
            }
        }
        if (!zod.def.unionFallback && undefinedCount > 1)
            propValues[zod.def.discriminator]?.delete(undefined);
        return propValues;
    });
    // Checked now rather than in the lookup map below, so an option that lacks the discriminator fails at the `discriminatedUnion` call instead of on the first object parsed. Options whose shape cannot be enumerated without resolving it — pipes and lazies — are left to the map.
    def.options.forEach((option, i) => {
        const propShape = util.rawShape(option._zod.def);
        if (propShape && !Object.prototype.hasOwnProperty.call(propShape, def.discriminator)) {
            throw new Error(`Invalid discriminated union option at index "${i}"`);
        }
    });
    const disc = util.cached(() => discriminatorMap(def));
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!util.isObject(input)) {
            payload.issues.push({
                code: "invalid_type",
                expected: "object",
                input,
                inst,
            });
            return payload;
        }
        const value = input?.[def.discriminator];
        const opt = disc.value.get(value);
        // forward metadata cannot choose an encoder for an absent tag
        if (opt && (value !== undefined || ctx.direction !== "backward")) {
            return opt._zod.run(payload, ctx);
        }
        // Fall back to union matching when the fast discriminator path fails:
        // - explicitly enabled via unionFallback, or
        // - during backward direction (encode), since codec-based discriminators have different values in forward vs backward directions
        if (def.unionFallback || ctx.direction === "backward") {
            return _super(payload, ctx);
        }
        // no matching discriminator
        payload.issues.push({
            code: "invalid_union",
            errors: [],
            note: "No matching discriminator",
            discriminator: def.discriminator,
            options: Array.from(disc.value.keys()).filter((value) => disc.value.get(value) !== null),
            input,
            path: [def.discriminator],
            inst,
        });
        return payload;
    };
})));
const $ZodIntersection = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodIntersection", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        const left = def.left._zod.run({ value: input, issues: [] }, ctx);
        const right = def.right._zod.run({ value: input, issues: [] }, ctx);
        const async = left instanceof Promise || right instanceof Promise;
        if (async) {
            return Promise.all([left, right]).then(([left, right]) => {
                return handleIntersectionResults(payload, left, right);
            });
        }
        return handleIntersectionResults(payload, left, right);
    };
});
function mergeValues(a, b) {
    // const aType = parse.t(a);
    // const bType = parse.t(b);
    if (a === b) {
        return { valid: true, data: a };
    }
    if (a instanceof Date && b instanceof Date && +a === +b) {
        return { valid: true, data: a };
    }
    if (core_util/* isPlainObject */.Qd(a) && core_util/* isPlainObject */.Qd(b)) {
        const bKeys = Object.keys(b);
        const sharedKeys = Object.keys(a).filter((key) => bKeys.indexOf(key) !== -1);
        const newObj = { ...a, ...b };
        if (Object.prototype.hasOwnProperty.call(newObj, "__proto__"))
            delete newObj.__proto__;
        for (const key of sharedKeys) {
            if (key === "__proto__")
                continue;
            const sharedValue = mergeValues(a[key], b[key]);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [key, ...sharedValue.mergeErrorPath],
                };
            }
            newObj[key] = sharedValue.data;
        }
        return { valid: true, data: newObj };
    }
    if (Array.isArray(a) && Array.isArray(b)) {
        if (a.length !== b.length) {
            return { valid: false, mergeErrorPath: [] };
        }
        const newArray = [];
        for (let index = 0; index < a.length; index++) {
            const itemA = a[index];
            const itemB = b[index];
            const sharedValue = mergeValues(itemA, itemB);
            if (!sharedValue.valid) {
                return {
                    valid: false,
                    mergeErrorPath: [index, ...sharedValue.mergeErrorPath],
                };
            }
            newArray.push(sharedValue.data);
        }
        return { valid: true, data: newArray };
    }
    return { valid: false, mergeErrorPath: [] };
}
function handleIntersectionResults(result, left, right) {
    // Track which side(s) reject each key. A key rejection is reported only when BOTH sides reject it, so a key owned by one branch survives the other's key schema. strictObject reports these as unrecognized_keys; a record with an open key schema reports one invalid_key per key.
    const unrecKeys = new Map();
    let unrecIssue;
    const keyIssues = new Map();
    const collect = (iss, side) => {
        let keys;
        if (iss.code === "unrecognized_keys" && !iss.path?.length) {
            unrecIssue ?? (unrecIssue = iss);
            keys = iss.keys;
        }
        else if (iss.code === "invalid_key" && iss.origin === "record" && iss.path?.length === 1) {
            const k = String(iss.path[0]);
            if (!keyIssues.has(k))
                keyIssues.set(k, iss);
            keys = [k];
        }
        else {
            return false;
        }
        for (const k of keys) {
            if (!unrecKeys.has(k))
                unrecKeys.set(k, {});
            unrecKeys.get(k)[side] = true;
        }
        return true;
    };
    for (const iss of left.issues) {
        if (!collect(iss, "l"))
            result.issues.push(iss);
    }
    for (const iss of right.issues) {
        if (!collect(iss, "r"))
            result.issues.push(iss);
    }
    // Report only keys rejected by BOTH sides
    const bothKeys = [...unrecKeys].filter(([, f]) => f.l && f.r).map(([k]) => k);
    if (bothKeys.length) {
        const aggregated = unrecIssue ? bothKeys.filter((k) => unrecIssue.keys.includes(k)) : [];
        if (aggregated.length)
            result.issues.push({ ...unrecIssue, keys: aggregated });
        for (const k of bothKeys) {
            if (!aggregated.includes(k) && keyIssues.has(k))
                result.issues.push(keyIssues.get(k));
        }
    }
    const merged = mergeValues(left.value, right.value);
    if (!merged.valid) {
        if (core_util/* aborted */.QH(result))
            return result;
        throw new Error(`Unmergable intersection. Error path: ` + `${JSON.stringify(merged.mergeErrorPath)}`);
    }
    result.value = merged.data;
    return result;
}
const $ZodTuple = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodTuple", (inst, def) => {
    $ZodType.init(inst, def);
    const items = def.items;
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!Array.isArray(input)) {
            payload.issues.push({
                input,
                inst,
                expected: "tuple",
                code: "invalid_type",
            });
            return payload;
        }
        payload.value = memo ? memo.alloc(inst, payload, [], ctx) : [];
        const proms = [];
        const optinStart = getTupleOptStart(items, "optin");
        const optoutStart = getTupleOptStart(items, "optout");
        if (!def.rest) {
            if (input.length < optinStart) {
                payload.issues.push({
                    code: "too_small",
                    minimum: optinStart,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
                return payload;
            }
            if (input.length > items.length) {
                payload.issues.push({
                    code: "too_big",
                    maximum: items.length,
                    inclusive: true,
                    input,
                    inst,
                    origin: "array",
                });
            }
        }
        // Run every item in parallel, collecting results into an indexed array. The post-processing in `handleTupleResults` walks them in order so it can decide whether an absent optional-output error can truncate the tail or must be reported to preserve required output.
        const itemResults = new Array(items.length);
        // only tracked when there is a rest loop to skip
        const abortEarly = def.rest ? ctx?.abortEarly : undefined;
        let itemAborted = false;
        for (let i = 0; i < items.length; i++) {
            const r = items[i]._zod.run({ value: input[i], issues: [] }, ctx);
            if (r instanceof Promise) {
                proms.push(r.then((rr) => {
                    itemResults[i] = rr;
                }));
            }
            else {
                itemResults[i] = r;
                if (abortEarly && !itemAborted && r.issues.length)
                    itemAborted = core_util/* aborted */.QH(r);
            }
        }
        // sound because rest is non-empty exactly when every fixed index is present, the one case handleTupleResults cannot discard an item's issues
        if (def.rest && !itemAborted) {
            let i = items.length - 1;
            const rest = input.slice(items.length);
            let seen = payload.issues.length;
            for (const el of rest) {
                if (abortEarly && payload.issues.length !== seen) {
                    if (core_util/* aborted */.QH(payload, seen))
                        break;
                    seen = payload.issues.length;
                }
                i++;
                const result = def.rest._zod.run({ value: el, issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((r) => handleTupleResult(r, payload, i)));
                }
                else {
                    handleTupleResult(result, payload, i);
                }
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => handleTupleResults(itemResults, payload, items, input, optoutStart));
        }
        return handleTupleResults(itemResults, payload, items, input, optoutStart);
    };
});
function getTupleOptStart(items, key) {
    for (let i = items.length - 1; i >= 0; i--) {
        // optin is a three-rung ladder so any rung above `undefined` permits an absent slot; optout stays two-valued.
        const omittable = key === "optin" ? items[i]._zod.optin !== undefined : items[i]._zod.optout === "optional";
        if (!omittable)
            return i + 1;
    }
    return 0;
}
function handleTupleResult(result, final, index) {
    if (result.issues.length) {
        final.issues.push(...core_util/* prefixIssues */.lQ(index, result.issues));
    }
    final.value[index] = result.value;
}
function handleTupleResults(itemResults, final, items, input, optoutStart) {
    // Walk results in order. Mirror $ZodObject's swallow-on-absent-optional rule, but only after `optoutStart`: the first index where the output tuple tail can be absent.
    for (let i = 0; i < items.length; i++) {
        const r = itemResults[i];
        const isPresent = i < input.length;
        // The array analog of `handlePropertyResult`'s absent-key early return: the middle rung permits absence without supplying anything in its place, so the tail truncates here instead of materializing whatever the item made of `undefined`.
        if (!isPresent && i >= optoutStart && items[i]._zod.optin === "optional") {
            final.value.length = i;
            break;
        }
        if (r.issues.length) {
            if (!isPresent && i >= optoutStart) {
                final.value.length = i;
                break;
            }
            final.issues.push(...core_util/* prefixIssues */.lQ(i, r.issues));
        }
        final.value[i] = r.value;
    }
    // Drop trailing slots that produced `undefined` for absent input
    // (the array analog of an absent optional key on an object). The
    // `i >= input.length` floor is critical: an explicit `undefined`
    // *inside* the input must be preserved even when the schema is
    // optional-out (e.g. `z.string().or(z.undefined())` accepting an
    // explicit undefined value).
    for (let i = final.value.length - 1; i >= input.length; i--) {
        if (items[i]._zod.optout === "optional" && final.value[i] === undefined) {
            final.value.length = i;
        }
        else {
            break;
        }
    }
    return final;
}
const $ZodRecord = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodRecord", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core_core/* globalConfig */.cr.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!core_util/* isPlainObject */.Qd(input)) {
            payload.issues.push({
                expected: "record",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        // no guard in either loop below: a record's invalid_key aborts but an enclosing intersection can reconcile it, so a stopped loop hides keys the sibling does not own and the intersection then rejects nothing
        const proms = [];
        const values = def.keyType._zod.values;
        if (values && !def.partial) {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            const recordKeys = new Set();
            for (const key of values) {
                if (typeof key === "string" || typeof key === "number" || typeof key === "symbol") {
                    recordKeys.add(typeof key === "number" ? key.toString() : key);
                    // A declared __proto__ is stripped but is not an unrecognized key.
                    if (key === "__proto__")
                        continue;
                    const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                    if (keyResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (keyResult.issues.length) {
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())),
                            input: key,
                            path: [key],
                            inst,
                        });
                        continue;
                    }
                    const outKey = keyResult.value;
                    if (outKey === "__proto__")
                        continue;
                    const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                    if (result instanceof Promise) {
                        proms.push(result.then((result) => {
                            if (result.issues.length) {
                                payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                            }
                            payload.value[outKey] = result.value;
                        }));
                    }
                    else {
                        if (result.issues.length) {
                            payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }
                }
            }
            let unrecognized;
            for (const key in input) {
                if (!recordKeys.has(key)) {
                    if (def.mode === "loose") {
                        // skip __proto__ so it can't replace the result prototype via the assignment setter on the plain {} we build into
                        if (key === "__proto__")
                            continue;
                        payload.value[key] = input[key];
                    }
                    else {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        else {
            payload.value = memo ? memo.alloc(inst, payload, {}, ctx) : {};
            // An enumerable key schema declares which keys the record owns, so a key outside the set is unrecognized. A non-enumerable one (regex, refine) is a constraint every key must satisfy, so a failing key is invalid. Only the former is reconcilable against the other side of an intersection.
            let unrecognized;
            // Reflect.ownKeys for Symbol-key support; filter non-enumerable to match z.object()
            for (const key of Reflect.ownKeys(input)) {
                if (key === "__proto__")
                    continue;
                if (!Object.prototype.propertyIsEnumerable.call(input, key))
                    continue;
                let keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
                if (keyResult instanceof Promise) {
                    throw new Error("Async schemas not supported in object keys currently");
                }
                // Numeric string fallback: if key is a numeric string and failed, retry with Number(key). This handles z.number(), z.literal([1, 2, 3]), and unions containing numeric literals
                const checkNumericKey = typeof key === "string" && number.test(key) && keyResult.issues.length;
                if (checkNumericKey) {
                    const retryResult = def.keyType._zod.run({ value: Number(key), issues: [] }, ctx);
                    if (retryResult instanceof Promise) {
                        throw new Error("Async schemas not supported in object keys currently");
                    }
                    if (retryResult.issues.length === 0) {
                        keyResult = retryResult;
                    }
                }
                if (keyResult.issues.length) {
                    if (def.mode === "loose") {
                        // Pass through unchanged
                        payload.value[key] = input[key];
                    }
                    else if (values) {
                        unrecognized = unrecognized ?? [];
                        unrecognized.push(key);
                    }
                    else {
                        // Default "strict" behavior: error on invalid key
                        payload.issues.push({
                            code: "invalid_key",
                            origin: "record",
                            issues: keyResult.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())),
                            input: key,
                            path: [key],
                            inst,
                        });
                    }
                    continue;
                }
                // the guard above tests the raw input key, but the key schema can normalize an ordinary key into __proto__; re-check the key we actually write under
                const outKey = keyResult.value;
                if (outKey === "__proto__")
                    continue;
                const result = def.valueType._zod.run({ value: input[key], issues: [] }, ctx);
                if (result instanceof Promise) {
                    proms.push(result.then((result) => {
                        if (result.issues.length) {
                            payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                        }
                        payload.value[outKey] = result.value;
                    }));
                }
                else {
                    if (result.issues.length) {
                        payload.issues.push(...core_util/* prefixIssues */.lQ(key, result.issues));
                    }
                    payload.value[outKey] = result.value;
                }
            }
            if (unrecognized && unrecognized.length > 0) {
                payload.issues.push({
                    code: "unrecognized_keys",
                    input,
                    inst,
                    keys: unrecognized,
                    continue: true,
                });
            }
        }
        if (proms.length) {
            return Promise.all(proms).then(() => payload);
        }
        return payload;
    };
});
const $ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodMap", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Map)) {
            payload.issues.push({
                expected: "map",
                code: "invalid_type",
                input,
                inst,
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Map(), ctx) : new Map();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const [key, value] of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const keyResult = def.keyType._zod.run({ value: key, issues: [] }, ctx);
            const valueResult = def.valueType._zod.run({ value: value, issues: [] }, ctx);
            if (keyResult instanceof Promise || valueResult instanceof Promise) {
                proms.push(Promise.all([keyResult, valueResult]).then(([keyResult, valueResult]) => {
                    handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
                }));
            }
            else {
                handleMapResult(keyResult, valueResult, payload, key, input, inst, ctx);
            }
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, mapSize);
})));
function handleMapResult(keyResult, valueResult, final, key, input, inst, ctx) {
    if (keyResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, keyResult.issues));
        }
        else {
            final.issues.push({
                code: "invalid_key",
                origin: "map",
                input,
                inst,
                issues: keyResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    if (valueResult.issues.length) {
        if (util.propertyKeyTypes.has(typeof key)) {
            final.issues.push(...util.prefixIssues(key, valueResult.issues));
        }
        else {
            final.issues.push({
                origin: "map",
                code: "invalid_element",
                input,
                inst,
                key: key,
                issues: valueResult.issues.map((iss) => util.finalizeIssue(iss, ctx, core.config())),
            });
        }
    }
    final.value.set(keyResult.value, valueResult.value);
}
const $ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSet", (inst, def) => {
    $ZodType.init(inst, def);
    const memo = core.globalConfig.memoizer;
    memo?.attach(inst);
    inst._zod.parse = (payload, ctx) => {
        const input = payload.value;
        if (!(input instanceof Set)) {
            payload.issues.push({
                input,
                inst,
                expected: "set",
                code: "invalid_type",
            });
            return payload;
        }
        const proms = [];
        payload.value = memo ? memo.alloc(inst, payload, new Set(), ctx) : new Set();
        const abortEarly = ctx?.abortEarly;
        let seen = payload.issues.length;
        for (const item of input) {
            if (abortEarly && payload.issues.length !== seen) {
                if (util.aborted(payload, seen))
                    break;
                seen = payload.issues.length;
            }
            const result = def.valueType._zod.run({ value: item, issues: [] }, ctx);
            if (result instanceof Promise) {
                proms.push(result.then((result) => handleSetResult(result, payload)));
            }
            else
                handleSetResult(result, payload);
        }
        if (proms.length)
            return Promise.all(proms).then(() => payload);
        return payload;
    };
    capSize(inst, setSize);
})));
function handleSetResult(result, final) {
    if (result.issues.length) {
        final.issues.push(...result.issues);
    }
    final.value.add(result.value);
}
const $ZodEnum = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodEnum", (inst, def) => {
    $ZodType.init(inst, def);
    const values = core_util/* getEnumValues */.w5(def.entries);
    const valuesSet = new Set(values);
    inst._zod.values = valuesSet;
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const patternValues = core_util/* getEnumValues */.w5(zod.def.entries).filter((k) => core_util/* propertyKeyTypes */.qQ.has(typeof k));
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(patternValues.length ? `^(${patternValues.map((o) => core_util/* escapeRegex */.sD(o.toString())).join("|")})$` : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (valuesSet.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodLiteral = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const values = new Set(def.values);
    inst._zod.values = values;
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const vals = zod.def.values;
        // unmatchable fallback, RE2-safe: an empty alternation would compile to /^()$/, which matches ""
        return new RegExp(vals.length
            ? `^(${vals
                .map((o) => typeof o === "string" ? core_util/* escapeRegex */.sD(o) : o ? core_util/* escapeRegex */.sD(o.toString()) : String(o))
                .join("|")})$`
            : "^[^\\s\\S]$");
    });
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        if (values.has(input)) {
            return payload;
        }
        payload.issues.push({
            code: "invalid_value",
            values: def.values,
            input,
            inst,
        });
        return payload;
    };
});
const $ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFile", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        const input = payload.value;
        // @ts-ignore
        if (input instanceof File)
            return payload;
        payload.issues.push({
            expected: "file",
            code: "invalid_type",
            input,
            inst,
        });
        return payload;
    };
})));
const $ZodTransform = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodTransform", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "optional";
    core_core/* globalConfig */.cr.memoizer?.guard(inst);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core_core/* $ZodEncodeError */.cV(inst.constructor.name);
        }
        const _out = def.transform(payload.value, payload);
        if (ctx.async) {
            const output = _out instanceof Promise ? _out : Promise.resolve(_out);
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        if (_out instanceof Promise) {
            throw new core_core/* $ZodAsyncError */.GT();
        }
        payload.value = _out;
        return payload;
    };
});
function handleOptionalResult(payload, result) {
    // A substituting schema that still failed has no usable answer; yield undefined. Its issues are simply dropped: it ran on a payload of its own, so there is no shared array to truncate and nothing of the caller's to lose with it.
    payload.value = result.issues.length ? undefined : result.value;
    return payload;
}
const $ZodOptional = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodOptional", (inst, def) => {
    $ZodType.init(inst, def);
    // .optional() propagates absence rather than substituting for it, so a defaulted inner keeps its rung.
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    inst._zod.optout = "optional";
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        const values = zod.def.innerType._zod.values;
        return values ? new Set([...values, undefined]) : undefined;
    });
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${core_util/* cleanRegex */.p6(pattern.source)})?$`) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        if (payload.value === undefined) {
            // Only the top rung substitutes a value for absence; everything else leaves it intact, which is what .optional() means.
            if (def.innerType._zod.optin !== "defaulted")
                return payload;
            // Its own payload, for the same reason $ZodCatch gets one: a pipe forwards an unrecognized key through the caller's issues array, and this must not read that as the substituting schema failing and drop it.
            const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
            if (result instanceof Promise)
                return result.then((result) => handleOptionalResult(payload, result));
            return handleOptionalResult(payload, result);
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodExactOptional = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodExactOptional", (inst, def) => {
    // Call parent init - inherits optin/optout = "optional"
    $ZodOptional.init(inst, def);
    // Override values/pattern to NOT add undefined
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => zod.def.innerType._zod.pattern);
    // Override parse to just delegate (no undefined handling)
    inst._zod.parse = (payload, ctx) => {
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNullable = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNullable", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType._zod.optin);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    core_util/* defineLazyInternal */.v5(inst, "pattern", (zod) => {
        const pattern = zod.def.innerType._zod.pattern;
        return pattern ? new RegExp(`^(${core_util/* cleanRegex */.p6(pattern.source)}|null)$`) : undefined;
    });
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        return zod.def.innerType._zod.values ? new Set([...zod.def.innerType._zod.values, null]) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        // Forward direction (decode): allow null to pass through
        if (payload.value === null)
            return payload;
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodDefault = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodDefault", (inst, def) => {
    $ZodType.init(inst, def);
    // inst._zod.qin = "true";
    inst._zod.optin = "defaulted";
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply defaults for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
            /**
             * $ZodDefault returns the default value immediately in forward direction.
             * It doesn't pass the default value into the validator ("prefault"). There's no reason to pass the default value through validation. The validity of the default is enforced by TypeScript statically. Otherwise, it's the responsibility of the user to ensure the default is valid. In the case of pipes with divergent in/out types, you can specify the default on the `in` schema of your ZodPipe to set a "prefault" for the pipe.   */
            return payload;
        }
        // Forward direction: continue with default handling
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleDefaultResult(result, def));
        }
        return handleDefaultResult(result, def);
    };
});
function handleDefaultResult(payload, def) {
    if (payload.value === undefined) {
        payload.value = def.defaultValue;
    }
    return payload;
}
const $ZodPrefault = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodPrefault", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.optin = "defaulted";
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply prefault for undefined input
        if (payload.value === undefined) {
            payload.value = def.defaultValue;
        }
        return def.innerType._zod.run(payload, ctx);
    };
});
const $ZodNonOptional = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodNonOptional", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => {
        const v = zod.def.innerType._zod.values;
        return v ? new Set([...v].filter((x) => x !== undefined)) : undefined;
    });
    inst._zod.parse = (payload, ctx) => {
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleNonOptionalResult(result, inst));
        }
        return handleNonOptionalResult(result, inst);
    };
});
function handleNonOptionalResult(payload, inst) {
    if (!payload.issues.length && payload.value === undefined) {
        payload.issues.push({
            code: "invalid_type",
            expected: "nonoptional",
            input: payload.value,
            inst,
        });
    }
    return payload;
}
const $ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodSuccess", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            throw new core.$ZodEncodeError("ZodSuccess");
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then((result) => {
                payload.value = result.issues.length === 0;
                return payload;
            });
        }
        payload.value = result.issues.length === 0;
        return payload;
    };
})));
function handleCatchResult(payload, result, def, ctx) {
    if (!result.issues.length) {
        payload.value = result.value;
        // The value carries up, so the flag describing it has to carry with it: a back-edge into a node still being parsed must not be frozen by an enclosing readonly, and its checks belong to the node itself. Guarded so the ordinary case adds no own property.
        if (result.memo)
            payload.memo = true;
        return payload;
    }
    // Spread the inner's own payload, not ours: `value` has to stay the input the catch was handed, and the inner ran on a payload of its own so its issues are already private to this call.
    payload.value = def.catchValue({
        ...result,
        value: payload.value,
        error: {
            issues: result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())),
        },
        input: payload.value,
    });
    return payload;
}
const $ZodCatch = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCatch", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType._zod.optin === "defaulted" ? "defaulted" : "optional");
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.innerType._zod.optout);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        // Forward direction (decode): apply catch logic
        const result = def.innerType._zod.run({ value: payload.value, issues: [] }, ctx);
        if (result instanceof Promise) {
            return result.then((result) => handleCatchResult(payload, result, def, ctx));
        }
        return handleCatchResult(payload, result, def, ctx);
    };
});
const $ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodNaN", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "number" || !Number.isNaN(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "nan",
                code: "invalid_type",
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodPipe = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodPipe", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.in._zod.values);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.in._zod.optin);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.out._zod.optout);
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handlePipeResult(right, def.in, ctx));
            }
            return handlePipeResult(right, def.in, ctx);
        }
        const left = def.in._zod.run(payload, ctx);
        if (left instanceof Promise) {
            return left.then((left) => handlePipeResult(left, def.out, ctx));
        }
        return handlePipeResult(left, def.out, ctx);
    };
});
function handlePipeResult(left, next, ctx) {
    // Any issue stops the pipe, so a failing refinement never feeds its transform. An unrecognized key is the exception: it describes the input's extra properties, not the value being piped, and an enclosing intersection may yet reconcile it.
    if (left.issues.some((iss) => iss.code !== "unrecognized_keys")) {
        // prevent further checks
        left.aborted = true;
        return left;
    }
    return next._zod.run({ value: left.value, issues: left.issues }, ctx);
}
const $ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodCodec", (inst, def) => {
    $ZodType.init(inst, def);
    util.defineLazyInternal(inst, "values", (zod) => zod.def.in._zod.values);
    util.defineLazyInternal(inst, "optin", (zod) => zod.def.in._zod.optin);
    util.defineLazyInternal(inst, "optout", (zod) => zod.def.out._zod.optout);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.def.in._zod.propValues);
    inst._zod.parse = (payload, ctx) => {
        const direction = ctx.direction || "forward";
        if (direction === "forward") {
            const left = def.in._zod.run(payload, ctx);
            if (left instanceof Promise) {
                return left.then((left) => handleCodecAResult(left, def, ctx));
            }
            return handleCodecAResult(left, def, ctx);
        }
        else {
            const right = def.out._zod.run(payload, ctx);
            if (right instanceof Promise) {
                return right.then((right) => handleCodecAResult(right, def, ctx));
            }
            return handleCodecAResult(right, def, ctx);
        }
    };
})));
function handleCodecAResult(result, def, ctx) {
    if (result.issues.length) {
        // prevent further checks
        result.aborted = true;
        return result;
    }
    const direction = ctx.direction || "forward";
    if (direction === "forward") {
        const transformed = def.transform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.out, ctx));
        }
        return handleCodecTxResult(result, transformed, def.out, ctx);
    }
    else {
        const transformed = def.reverseTransform(result.value, result);
        if (transformed instanceof Promise) {
            return transformed.then((value) => handleCodecTxResult(result, value, def.in, ctx));
        }
        return handleCodecTxResult(result, transformed, def.in, ctx);
    }
}
function handleCodecTxResult(left, value, nextSchema, ctx) {
    // Check if transform added any issues
    if (left.issues.length) {
        left.aborted = true;
        return left;
    }
    return nextSchema._zod.run({ value, issues: left.issues }, ctx);
}
const $ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPreprocess", (inst, def) => {
    $ZodPipe.init(inst, def);
})));
const $ZodReadonly = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodReadonly", (inst, def) => {
    $ZodType.init(inst, def);
    core_util/* defineLazyInternal */.v5(inst, "propValues", (zod) => zod.def.innerType._zod.propValues);
    core_util/* defineLazyInternal */.v5(inst, "values", (zod) => zod.def.innerType._zod.values);
    core_util/* defineLazyInternal */.v5(inst, "optin", (zod) => zod.def.innerType?._zod?.optin);
    core_util/* defineLazyInternal */.v5(inst, "optout", (zod) => zod.def.innerType?._zod?.optout);
    inst._zod.parse = (payload, ctx) => {
        if (ctx.direction === "backward") {
            return def.innerType._zod.run(payload, ctx);
        }
        const result = def.innerType._zod.run(payload, ctx);
        if (result instanceof Promise) {
            return result.then(handleReadonlyResult);
        }
        return handleReadonlyResult(result);
    };
});
function handleReadonlyResult(payload) {
    // A repeat visit hands back a node that is still being built; freezing it here would make the rest of its keys fail to assign.
    if (!payload.memo)
        payload.value = Object.freeze(payload.value);
    return payload;
}
// a leaf's pattern source with its own checks folded in: the last pattern-carrying check wins, else length bounds narrow the catch-all, else an integer format narrows the number form. the fold lives here instead of on `_zod.pattern` so a bundle without template literals never pays for it
function leafPattern(schema) {
    const def = schema._zod.def;
    let pattern = def.pattern;
    let isInt = !!def.format?.includes("int");
    let minimum;
    let maximum;
    for (const ch of def.checks ?? []) {
        const d = ch._zod.def;
        if (d.pattern)
            pattern = d.pattern;
        isInt || (isInt = !!d.format?.includes("int"));
        const lo = d.minimum ?? d.length;
        const hi = d.maximum ?? d.length;
        if (lo !== undefined && (minimum === undefined || lo > minimum))
            minimum = lo;
        if (hi !== undefined && (maximum === undefined || hi < maximum))
            maximum = hi;
    }
    if (pattern)
        return pattern.source;
    // an empty range matches nothing at runtime, and `{8,5}` is not a legal quantifier
    if (minimum !== undefined && maximum !== undefined && minimum > maximum)
        return "(?!)";
    if (minimum !== undefined || maximum !== undefined)
        return regexes.string({ minimum, maximum }).source;
    const own = schema._zod.pattern;
    return (isInt && own === regexes.number ? regexes.integer : own)?.source;
}
// a part's pattern source. a wrapper's pattern embeds its inner pattern's source verbatim, so the folded form is substituted in place without knowing the wrapper's own composition; a union's options are joined the way the union builds its own pattern
function partPattern(schema) {
    const def = schema._zod.def;
    const own = schema._zod.pattern?.source;
    // lazy resolves its inner on the internals, not the def
    const inner = def.innerType ?? schema._zod.innerType;
    if (inner) {
        const before = inner._zod.pattern?.source;
        const after = partPattern(inner);
        if (own && before && after && after !== before) {
            return own.replace(util.cleanRegex(before), () => util.cleanRegex(after));
        }
        return own;
    }
    if (def.options) {
        const sources = def.options.map(partPattern);
        if (sources.every(Boolean))
            return `^(${sources.map((s) => util.cleanRegex(s)).join("|")})$`;
    }
    return leafPattern(schema);
}
const $ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodTemplateLiteral", (inst, def) => {
    $ZodType.init(inst, def);
    const regexParts = [];
    for (const part of def.parts) {
        if (typeof part === "object" && part !== null) {
            // is Zod schema
            const source = partPattern(part);
            if (!source) {
                throw new Error(`Invalid template literal part, no pattern found: ${[...part._zod.traits].shift()}`);
            }
            regexParts.push(util.cleanRegex(source));
        }
        else if (part === null || util.primitiveTypes.has(typeof part)) {
            regexParts.push(util.escapeRegex(`${part}`));
        }
        else {
            throw new Error(`Invalid template literal part: ${part}`);
        }
    }
    inst._zod.pattern = new RegExp(`^${regexParts.join("")}$`);
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "string") {
            payload.issues.push({
                input: payload.value,
                inst,
                expected: "string",
                code: "invalid_type",
            });
            return payload;
        }
        inst._zod.pattern.lastIndex = 0;
        if (!inst._zod.pattern.test(payload.value)) {
            payload.issues.push({
                input: payload.value,
                inst,
                code: "invalid_format",
                format: def.format ?? "template_literal",
                pattern: inst._zod.pattern.source,
            });
            return payload;
        }
        return payload;
    };
})));
const $ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodFunction", (inst, def) => {
    $ZodType.init(inst, def);
    // Defined, not assigned: the classic prototype exposes `_def` as a getter with no setter.
    Object.defineProperty(inst, "_def", { value: def });
    inst._zod.def = def;
    inst.implement = (func) => {
        if (typeof func !== "function") {
            throw new Error("implement() must be called with a function");
        }
        // Defined inline so the closure stays anonymous: binding it to a `const` first names it, which costs 256 bytes per implemented function.
        return Object.defineProperty(function (...args) {
            const parsedArgs = inst._def.input ? parse(inst._def.input, args) : args;
            const result = Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return parse(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst.implementAsync = (func) => {
        if (typeof func !== "function") {
            throw new Error("implementAsync() must be called with a function");
        }
        return Object.defineProperty(async function (...args) {
            const parsedArgs = inst._def.input ? await parseAsync(inst._def.input, args) : args;
            const result = await Reflect.apply(func, this, parsedArgs);
            if (inst._def.output) {
                return await parseAsync(inst._def.output, result);
            }
            return result;
        }, "_zod", { value: inst._zod, enumerable: false });
    };
    inst._zod.parse = (payload, _ctx) => {
        if (typeof payload.value !== "function") {
            payload.issues.push({
                code: "invalid_type",
                expected: "function",
                input: payload.value,
                inst,
            });
            return payload;
        }
        // Check if output is a promise type to determine if we should use async implementation
        const hasPromiseOutput = inst._def.output && inst._def.output._zod.def.type === "promise";
        if (hasPromiseOutput) {
            payload.value = inst.implementAsync(payload.value);
        }
        else {
            payload.value = inst.implement(payload.value);
        }
        return payload;
    };
    inst.input = (...args) => {
        const F = inst.constructor;
        if (Array.isArray(args[0])) {
            return new F({
                type: "function",
                input: new $ZodTuple({
                    type: "tuple",
                    items: args[0],
                    rest: args[1],
                }),
                output: inst._def.output,
            });
        }
        return new F({
            type: "function",
            input: args[0],
            output: inst._def.output,
        });
    };
    inst.output = (output) => {
        const F = inst.constructor;
        return new F({
            type: "function",
            input: inst._def.input,
            output,
        });
    };
    return inst;
})));
const $ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodPromise", (inst, def) => {
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, ctx) => {
        return Promise.resolve(payload.value).then((inner) => def.innerType._zod.run({ value: inner, issues: [] }, ctx));
    };
})));
const $ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("$ZodLazy", (inst, def) => {
    $ZodType.init(inst, def);
    // Cache the resolved inner type on the shared `def` so all clones of this lazy (e.g. via `.describe()`/`.meta()`) share the same inner instance, preserving identity for cycle detection on recursive schemas.
    util.defineLazy(inst._zod, "innerType", () => {
        const d = def;
        if (!d._cachedInner)
            d._cachedInner = def.getter();
        return d._cachedInner;
    });
    util.defineLazyInternal(inst, "pattern", (zod) => zod.innerType?._zod?.pattern);
    util.defineLazyInternal(inst, "propValues", (zod) => zod.innerType?._zod?.propValues);
    util.defineLazyInternal(inst, "optin", (zod) => zod.innerType?._zod?.optin ?? undefined);
    util.defineLazyInternal(inst, "optout", (zod) => zod.innerType?._zod?.optout ?? undefined);
    inst._zod.parse = (payload, ctx) => {
        const inner = inst._zod.innerType;
        return inner._zod.run(payload, ctx);
    };
})));
const $ZodCustom = /*@__PURE__*/ core_core/* $constructor */.xI("$ZodCustom", (inst, def) => {
    $ZodCheck.init(inst, def);
    $ZodType.init(inst, def);
    inst._zod.parse = (payload, _) => {
        return payload;
    };
    inst._zod.check = (payload) => {
        const input = payload.value;
        const r = def.fn(input);
        if (r instanceof Promise) {
            return r.then((r) => handleRefineResult(r, payload, input, inst));
        }
        handleRefineResult(r, payload, input, inst);
        return;
    };
});
function handleRefineResult(result, payload, input, inst) {
    if (!result) {
        const _iss = {
            code: "custom",
            input,
            inst, // incorporates params.error into issue reporting
            path: [...(inst._zod.def.path ?? [])], // incorporates params.error into issue reporting
            continue: !inst._zod.def.abort,
            // params: inst._zod.def.params,
        };
        if (inst._zod.def.params)
            _iss.params = inst._zod.def.params;
        payload.issues.push(core_util/* issue */.sn(_iss));
    }
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/registries.js
var _a;
const $output = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodOutput")));
const $input = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("ZodInput")));
class $ZodRegistry {
    constructor() {
        this._map = new WeakMap();
        this._idmap = new Map();
    }
    add(schema, ..._meta) {
        const meta = _meta[0];
        this._map.set(schema, meta);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.set(meta.id, schema);
        }
        return this;
    }
    clear() {
        this._map = new WeakMap();
        this._idmap = new Map();
        return this;
    }
    remove(schema) {
        const meta = this._map.get(schema);
        if (meta && typeof meta === "object" && "id" in meta) {
            this._idmap.delete(meta.id);
        }
        this._map.delete(schema);
        return this;
    }
    get(schema) {
        // return this._map.get(schema) as any;
        // inherit metadata
        const p = schema._zod.parent;
        if (p) {
            const pm = { ...(this.get(p) ?? {}) };
            delete pm.id; // do not inherit id
            const f = { ...pm, ...this._map.get(schema) };
            return Object.keys(f).length ? f : undefined;
        }
        return this._map.get(schema);
    }
    has(schema) {
        return this._map.has(schema);
    }
}
// registries
function registry() {
    return new $ZodRegistry();
}
(_a = globalThis).__zod_globalRegistry ?? (_a.__zod_globalRegistry = registry());
const globalRegistry = globalThis.__zod_globalRegistry;

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/api.js




function snapshotChecks(def) {
    if (def.checks)
        def.checks = [...def.checks];
    return def;
}
// @__NO_SIDE_EFFECTS__
function _string(Class, params) {
    return new Class(snapshotChecks({ type: "string", ...core_util/* normalizeParams */.A2(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedString(Class, params) {
    return new Class(snapshotChecks({ type: "string", coerce: true, ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _email(Class, params) {
    return new Class({
        type: "string",
        format: "email",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _guid(Class, params) {
    return new Class({
        type: "string",
        format: "guid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuid(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv4(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v4",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv6(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v6",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uuidv7(Class, params) {
    return new Class({
        type: "string",
        format: "uuid",
        check: "string_format",
        abort: false,
        version: "v7",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _url(Class, params) {
    return new Class({
        type: "string",
        format: "url",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_emoji(Class, params) {
    return new Class({
        type: "string",
        format: "emoji",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nanoid(Class, params) {
    return new Class({
        type: "string",
        format: "nanoid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link _cuid2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
// @__NO_SIDE_EFFECTS__
function _cuid(Class, params) {
    return new Class({
        type: "string",
        format: "cuid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cuid2(Class, params) {
    return new Class({
        type: "string",
        format: "cuid2",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ulid(Class, params) {
    return new Class({
        type: "string",
        format: "ulid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _xid(Class, params) {
    return new Class({
        type: "string",
        format: "xid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ksuid(Class, params) {
    return new Class({
        type: "string",
        format: "ksuid",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv4(Class, params) {
    return new Class({
        type: "string",
        format: "ipv4",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _ipv6(Class, params) {
    return new Class({
        type: "string",
        format: "ipv6",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mac(Class, params) {
    return new Class({
        type: "string",
        format: "mac",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv4(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv4",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _cidrv6(Class, params) {
    return new Class({
        type: "string",
        format: "cidrv6",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64(Class, params) {
    return new Class({
        type: "string",
        format: "base64",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _base64url(Class, params) {
    return new Class({
        type: "string",
        format: "base64url",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _e164(Class, params) {
    return new Class({
        type: "string",
        format: "e164",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _creditCard(Class, params) {
    return new Class({
        type: "string",
        format: "credit_card",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _iban(Class, params) {
    return new Class({
        type: "string",
        format: "iban",
        check: "string_format",
        abort: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _jwt(Class, params) {
    return new Class({
        type: "string",
        format: "jwt",
        check: "string_format",
        abort: false,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const TimePrecision = {
    Any: null,
    Minute: -1,
    Second: 0,
    Millisecond: 3,
    Microsecond: 6,
};
// @__NO_SIDE_EFFECTS__
function _isoDateTime(Class, params) {
    return new Class({
        type: "string",
        format: "datetime",
        check: "string_format",
        offset: false,
        local: false,
        precision: null,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDate(Class, params) {
    return new Class({
        type: "string",
        format: "date",
        check: "string_format",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoTime(Class, params) {
    return new Class({
        type: "string",
        format: "time",
        check: "string_format",
        precision: null,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _isoDuration(Class, params) {
    return new Class({
        type: "string",
        format: "duration",
        check: "string_format",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _number(Class, params) {
    return new Class(snapshotChecks({ type: "number", checks: [], ...core_util/* normalizeParams */.A2(params) }));
}
// @__NO_SIDE_EFFECTS__
function _coercedNumber(Class, params) {
    return new Class(snapshotChecks({ type: "number", coerce: true, checks: [], ...util.normalizeParams(params) }));
}
// @__NO_SIDE_EFFECTS__
function _int(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "safeint",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _float64(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "float64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "int32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint32(Class, params) {
    return new Class({
        type: "number",
        check: "number_format",
        abort: false,
        format: "uint32",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _boolean(Class, params) {
    return new Class({
        type: "boolean",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBoolean(Class, params) {
    return new Class({
        type: "boolean",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _bigint(Class, params) {
    return new Class({
        type: "bigint",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedBigint(Class, params) {
    return new Class({
        type: "bigint",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _int64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "int64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uint64(Class, params) {
    return new Class({
        type: "bigint",
        check: "bigint_format",
        abort: false,
        format: "uint64",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _symbol(Class, params) {
    return new Class({
        type: "symbol",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_undefined(Class, params) {
    return new Class({
        type: "undefined",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function api_null(Class, params) {
    return new Class({
        type: "null",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _any(Class) {
    return new Class({
        type: "any",
    });
}
// @__NO_SIDE_EFFECTS__
function _unknown(Class) {
    return new Class({
        type: "unknown",
    });
}
// @__NO_SIDE_EFFECTS__
function _never(Class, params) {
    return new Class({
        type: "never",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _void(Class, params) {
    return new Class({
        type: "void",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _date(Class, params) {
    return new Class({
        type: "date",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _coercedDate(Class, params) {
    return new Class({
        type: "date",
        coerce: true,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _nan(Class, params) {
    return new Class({
        type: "nan",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lt(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _lte(value, params) {
    return new $ZodCheckLessThan({
        check: "less_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _gt(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: false,
    });
}
// @__NO_SIDE_EFFECTS__
function _gte(value, params) {
    return new $ZodCheckGreaterThan({
        check: "greater_than",
        ...core_util/* normalizeParams */.A2(params),
        value,
        inclusive: true,
    });
}

// @__NO_SIDE_EFFECTS__
function _positive(params) {
    return _gt(0, params);
}
// negative
// @__NO_SIDE_EFFECTS__
function _negative(params) {
    return _lt(0, params);
}
// nonpositive
// @__NO_SIDE_EFFECTS__
function _nonpositive(params) {
    return _lte(0, params);
}
// nonnegative
// @__NO_SIDE_EFFECTS__
function _nonnegative(params) {
    return _gte(0, params);
}
// @__NO_SIDE_EFFECTS__
function _multipleOf(value, params) {
    return new $ZodCheckMultipleOf({
        check: "multiple_of",
        ...core_util/* normalizeParams */.A2(params),
        value,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxSize(maximum, params) {
    return new checks.$ZodCheckMaxSize({
        check: "max_size",
        ...util.normalizeParams(params),
        maximum,
    });
}
// @__NO_SIDE_EFFECTS__
function _minSize(minimum, params) {
    return new checks.$ZodCheckMinSize({
        check: "min_size",
        ...util.normalizeParams(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _size(size, params) {
    return new checks.$ZodCheckSizeEquals({
        check: "size_equals",
        ...util.normalizeParams(params),
        size,
    });
}
// @__NO_SIDE_EFFECTS__
function _maxLength(maximum, params) {
    const ch = new $ZodCheckMaxLength({
        check: "max_length",
        ...core_util/* normalizeParams */.A2(params),
        maximum,
    });
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _minLength(minimum, params) {
    return new $ZodCheckMinLength({
        check: "min_length",
        ...core_util/* normalizeParams */.A2(params),
        minimum,
    });
}
// @__NO_SIDE_EFFECTS__
function _length(length, params) {
    return new $ZodCheckLengthEquals({
        check: "length_equals",
        ...core_util/* normalizeParams */.A2(params),
        length,
    });
}
// @__NO_SIDE_EFFECTS__
function _regex(pattern, params) {
    return new $ZodCheckRegex({
        check: "string_format",
        format: "regex",
        ...core_util/* normalizeParams */.A2(params),
        pattern,
    });
}
// @__NO_SIDE_EFFECTS__
function _lowercase(params) {
    return new $ZodCheckLowerCase({
        check: "string_format",
        format: "lowercase",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _uppercase(params) {
    return new $ZodCheckUpperCase({
        check: "string_format",
        format: "uppercase",
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _includes(includes, params) {
    return new $ZodCheckIncludes({
        check: "string_format",
        format: "includes",
        ...core_util/* normalizeParams */.A2(params),
        includes,
    });
}
// @__NO_SIDE_EFFECTS__
function _startsWith(prefix, params) {
    return new $ZodCheckStartsWith({
        check: "string_format",
        format: "starts_with",
        ...core_util/* normalizeParams */.A2(params),
        prefix,
    });
}
// @__NO_SIDE_EFFECTS__
function _endsWith(suffix, params) {
    return new $ZodCheckEndsWith({
        check: "string_format",
        format: "ends_with",
        ...core_util/* normalizeParams */.A2(params),
        suffix,
    });
}
// @__NO_SIDE_EFFECTS__
function _property(property, schema, params) {
    return new checks.$ZodCheckProperty({
        check: "property",
        property,
        schema,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _properties(shape, params) {
    return new $ZodCheckProperties({
        check: "properties",
        shape,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _mime(types, params) {
    return new checks.$ZodCheckMimeType({
        check: "mime_type",
        mime: types,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _overwrite(tx) {
    return new $ZodCheckOverwrite({
        check: "overwrite",
        tx,
    });
}
// normalize
// @__NO_SIDE_EFFECTS__
function _normalize(form) {
    return _overwrite((input) => input.normalize(form));
}
// trim
// @__NO_SIDE_EFFECTS__
function _trim() {
    return _overwrite((input) => input.trim());
}
// toLowerCase
// @__NO_SIDE_EFFECTS__
function _toLowerCase() {
    return _overwrite((input) => input.toLowerCase());
}
// toUpperCase
// @__NO_SIDE_EFFECTS__
function _toUpperCase() {
    return _overwrite((input) => input.toUpperCase());
}
// slugify
// @__NO_SIDE_EFFECTS__
function _slugify() {
    return _overwrite((input) => core_util/* slugify */.Yv(input));
}
// @__NO_SIDE_EFFECTS__
function _array(Class, element, params) {
    return new Class({
        type: "array",
        element,
        // get element() {
        //   return element;
        // },
        ...core_util/* normalizeParams */.A2(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _union(Class, options, params) {
    return new Class({
        type: "union",
        options,
        ...util.normalizeParams(params),
    });
}
function _xor(Class, options, params) {
    return new Class({
        type: "union",
        options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _discriminatedUnion(Class, discriminator, options, params) {
    return new Class({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _intersection(Class, left, right) {
    return new Class({
        type: "intersection",
        left,
        right,
    });
}
// export function _tuple(
//   Class: util.SchemaClass<schemas.$ZodTuple>,
//   items: [],
//   params?: string | $ZodTupleParams
// ): schemas.$ZodTuple<[], null>;
// @__NO_SIDE_EFFECTS__
function _tuple(Class, items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof schemas.$ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new Class({
        type: "tuple",
        items,
        rest,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _record(Class, keyType, valueType, params) {
    return new Class({
        type: "record",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _map(Class, keyType, valueType, params) {
    return new Class({
        type: "map",
        keyType,
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _set(Class, valueType, params) {
    return new Class({
        type: "set",
        valueType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _enum(Class, values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    // if (Array.isArray(values)) {
    //   for (const value of values) {
    //     entries[value] = value;
    //   }
    // } else {
    //   Object.assign(entries, values);
    // }
    // const entries: util.EnumLike = {};
    // for (const val of values) {
    //   entries[val] = val;
    // }
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function _nativeEnum(Class, entries, params) {
    return new Class({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _literal(Class, value, params) {
    return new Class({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _file(Class, params) {
    return new Class({
        type: "file",
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _transform(Class, fn) {
    return new Class({
        type: "transform",
        transform: fn,
    });
}
// @__NO_SIDE_EFFECTS__
function _optional(Class, innerType) {
    return new Class({
        type: "optional",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _nullable(Class, innerType) {
    return new Class({
        type: "nullable",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _default(Class, innerType, defaultValue) {
    return new Class({
        type: "default",
        innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : util.shallowClone(defaultValue);
        },
    });
}
// @__NO_SIDE_EFFECTS__
function _nonoptional(Class, innerType, params) {
    return new Class({
        type: "nonoptional",
        innerType,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _success(Class, innerType) {
    return new Class({
        type: "success",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _catch(Class, innerType, catchValue) {
    return new Class({
        type: "catch",
        innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : util.constantCatch(catchValue)),
    });
}
// @__NO_SIDE_EFFECTS__
function _pipe(Class, in_, out) {
    return new Class({
        type: "pipe",
        in: in_,
        out,
    });
}
// @__NO_SIDE_EFFECTS__
function _readonly(Class, innerType) {
    return new Class({
        type: "readonly",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _templateLiteral(Class, parts, params) {
    return new Class({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
// @__NO_SIDE_EFFECTS__
function _lazy(Class, getter) {
    return new Class({
        type: "lazy",
        getter,
    });
}
// @__NO_SIDE_EFFECTS__
function _promise(Class, innerType) {
    return new Class({
        type: "promise",
        innerType,
    });
}
// @__NO_SIDE_EFFECTS__
function _custom(Class, fn, _params) {
    const norm = util.normalizeParams(_params);
    norm.abort ?? (norm.abort = true); // default to abort:false
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...norm,
    });
    return schema;
}
// same as _custom but defaults to abort:false
// @__NO_SIDE_EFFECTS__
function _refine(Class, fn, _params) {
    const schema = new Class({
        type: "custom",
        check: "custom",
        fn: fn,
        ...core_util/* normalizeParams */.A2(_params),
    });
    return schema;
}
// @__NO_SIDE_EFFECTS__
function _superRefine(fn, params) {
    const ch = _check((payload) => {
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(core_util/* issue */.sn(issue, payload.value, ch._zod.def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = ch);
                _issue.continue ?? (_issue.continue = !ch._zod.def.abort); // abort is always undefined, so this is always true...
                payload.issues.push(core_util/* issue */.sn(_issue));
            }
        };
        return fn(payload.value, payload);
    }, params);
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _check(fn, params) {
    const ch = new $ZodCheck({
        check: "custom",
        ...core_util/* normalizeParams */.A2(params),
    });
    ch._zod.check = fn;
    return ch;
}
// @__NO_SIDE_EFFECTS__
function describe(description) {
    const ch = new $ZodCheck({ check: "describe" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, description });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function meta(metadata) {
    const ch = new $ZodCheck({ check: "meta" });
    ch._zod.onattach = [
        (inst) => {
            const existing = globalRegistry.get(inst) ?? {};
            globalRegistry.add(inst, { ...existing, ...metadata });
        },
    ];
    ch._zod.check = () => { }; // no-op check
    return ch;
}
// @__NO_SIDE_EFFECTS__
function _stringbool(Classes, _params) {
    const params = util.normalizeParams(_params);
    let truthyArray = params.truthy ?? ["true", "1", "yes", "on", "y", "enabled"];
    let falsyArray = params.falsy ?? ["false", "0", "no", "off", "n", "disabled"];
    if (params.case !== "sensitive") {
        truthyArray = truthyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
        falsyArray = falsyArray.map((v) => (typeof v === "string" ? v.toLowerCase() : v));
    }
    const truthySet = new Set(truthyArray);
    const falsySet = new Set(falsyArray);
    const _Codec = Classes.Codec ?? schemas.$ZodCodec;
    const _Boolean = Classes.Boolean ?? schemas.$ZodBoolean;
    const _String = Classes.String ?? schemas.$ZodString;
    const stringSchema = new _String({ type: "string", error: params.error });
    const booleanSchema = new _Boolean({ type: "boolean", error: params.error });
    const codec = new _Codec({
        type: "pipe",
        in: stringSchema,
        out: booleanSchema,
        transform: ((input, payload) => {
            let data = input;
            if (params.case !== "sensitive")
                data = data.toLowerCase();
            if (truthySet.has(data)) {
                return true;
            }
            else if (falsySet.has(data)) {
                return false;
            }
            else {
                payload.issues.push({
                    code: "invalid_value",
                    expected: "stringbool",
                    values: [...truthySet, ...falsySet],
                    input: payload.value,
                    inst: codec,
                    continue: false,
                });
                return {};
            }
        }),
        reverseTransform: ((input, _payload) => {
            if (input === true) {
                return truthyArray[0] || "true";
            }
            else {
                return falsyArray[0] || "false";
            }
        }),
        error: params.error,
    });
    codec._zod.bag.truthy = truthyArray;
    codec._zod.bag.falsy = falsyArray;
    codec._zod.bag.case = params.case ?? "insensitive";
    return codec;
}
// @__NO_SIDE_EFFECTS__
function _stringFormat(Class, format, fnOrRegex, _params = {}) {
    const params = util.normalizeParams(_params);
    const def = {
        check: "string_format",
        type: "string",
        format,
        fn: typeof fnOrRegex === "function" ? fnOrRegex : (val) => fnOrRegex.test(val),
        ...params,
    };
    if (fnOrRegex instanceof RegExp) {
        def.pattern = fnOrRegex;
    }
    const inst = new Class(def);
    return inst;
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/to-json-schema.js


function assignProps(target, ...sources) {
    for (const source of sources) {
        for (const key of Reflect.ownKeys(source)) {
            if (Object.prototype.propertyIsEnumerable.call(source, key)) {
                (0,core_util/* assignProp */.Vy)(target, key, source[key]);
            }
        }
    }
    return target;
}
// function initializeContext<T extends schemas.$ZodType>(inputs: JSONSchemaGeneratorParams<T>): ToJSONSchemaContext<T> {
//   return {
//     processor: inputs.processor,
//     metadataRegistry: inputs.metadata ?? globalRegistry,
//     target: inputs.target ?? "draft-2020-12",
//     unrepresentable: inputs.unrepresentable ?? "throw",
//   };
// }
function to_json_schema_initializeContext(params) {
    // Normalize target: convert old non-hyphenated versions to hyphenated versions
    let target = params?.target ?? "draft-2020-12";
    if (target === "draft-4")
        target = "draft-04";
    if (target === "draft-7")
        target = "draft-07";
    return {
        processors: params.processors ?? {},
        metadataRegistry: params?.metadata ?? globalRegistry,
        target,
        unrepresentable: params?.unrepresentable ?? "throw",
        override: params?.override ?? (() => { }),
        io: params?.io ?? "output",
        counter: 0,
        seen: new Map(),
        sharedDefsExtractedFor: undefined,
        sharedEmitDoneFor: undefined,
        cycles: params?.cycles ?? "ref",
        reused: params?.reused ?? "inline",
        intersections: [],
        deferred: [],
        external: params?.external ?? undefined,
    };
}
/**
 * Applies the `unrepresentable` setting at a site that has no JSON Schema equivalent. Throws
 * `message` unless the setting (or the handler's return value) says otherwise. Returns `true` if a
 * custom JSON Schema was written into `json`, in which case the caller must not write its own.
 */
function handleUnrepresentable(schema, ctx, json, params, message) {
    const result = typeof ctx.unrepresentable === "function"
        ? ctx.unrepresentable({ zodSchema: schema, path: params.path, message })
        : ctx.unrepresentable;
    if (result === "any")
        return false;
    if (result === undefined || result === "throw")
        throw new Error(message);
    Object.assign(json, result);
    return true;
}
// never rename this back to `process`: bundler polyfills inject a top-level `const process` that a lexical declaration of the same name collides with (#6397)
function to_json_schema_processSchema(schema, ctx, _params = { path: [], schemaPath: [] }) {
    var _a;
    const def = schema._zod.def;
    // check for schema in seens
    const seen = ctx.seen.get(schema);
    if (seen) {
        seen.count++;
        // check if cycle
        const isCycle = _params.schemaPath.includes(schema);
        if (isCycle) {
            seen.cycle = _params.path;
        }
        return seen.schema;
    }
    // initialize
    const result = { schema: {}, count: 1, cycle: undefined, path: _params.path };
    ctx.seen.set(schema, result);
    ctx.sharedDefsExtractedFor = undefined;
    ctx.sharedEmitDoneFor = undefined;
    // custom method overrides default behavior
    const overrideSchema = schema._zod.toJSONSchema?.();
    if (overrideSchema) {
        result.schema = overrideSchema;
    }
    else {
        const params = {
            ..._params,
            schemaPath: [..._params.schemaPath, schema],
            path: _params.path,
        };
        if (schema._zod.processJSONSchema) {
            schema._zod.processJSONSchema(ctx, result.schema, params);
        }
        else {
            const _json = result.schema;
            const processor = ctx.processors[def.type];
            if (!processor) {
                throw new Error(`[toJSONSchema]: Non-representable type encountered: ${def.type}`);
            }
            processor(schema, ctx, _json, params);
        }
        const parent = schema._zod.parent;
        if (parent) {
            // Also set ref if processor didn't (for inheritance)
            if (!result.ref)
                result.ref = parent;
            to_json_schema_processSchema(parent, ctx, params);
            ctx.seen.get(parent).isParent = true;
        }
    }
    // metadata
    const meta = ctx.metadataRegistry.get(schema);
    if (meta)
        assignProps(result.schema, meta);
    if (ctx.io === "input" && isTransforming(schema)) {
        // examples/defaults only apply to output type of pipe
        delete result.schema.examples;
        delete result.schema.default;
    }
    // set prefault as default
    if (ctx.io === "input" && "_prefault" in result.schema)
        (_a = result.schema).default ?? (_a.default = result.schema._prefault);
    delete result.schema._prefault;
    // pulling fresh from ctx.seen in case it was overwritten
    const _result = ctx.seen.get(schema);
    return _result.schema;
}
/** @deprecated Renamed to `processSchema`. An export alias declares no binding, so it is safe to keep. */

// Escape a reference token for use in a JSON Pointer fragment (RFC 6901): `~` becomes `~0` and `/` becomes `~1`. The `~` replacement must run first.
function encodeJSONPointerSegment(segment) {
    return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}
function to_json_schema_extractDefs(ctx, schema
// params: EmitParams
) {
    // iterate over seen map;
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // With `external` set, every registered schema resolves through the external branch of `makeURI`, so the root branch below produces the same ref the external branch would — this pass is identical whichever schema it is called with, and only needs to run once.
    if (ctx.external && ctx.sharedDefsExtractedFor === ctx.external)
        return;
    // Track ids to detect duplicates across different schemas
    const idToSchema = new Map();
    for (const entry of ctx.seen.entries()) {
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            const existing = idToSchema.get(id);
            if (existing && existing !== entry[0]) {
                throw new Error(`Duplicate schema id "${id}" detected during JSON Schema conversion. Two different schemas cannot share the same id when converted together.`);
            }
            idToSchema.set(id, entry[0]);
        }
    }
    // returns a ref to the schema defId will be empty if the ref points to an external schema (or #)
    const makeURI = (entry) => {
        // comparing the seen objects because sometimes multiple schemas map to the same seen object. e.g. lazy
        // external is configured
        const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
        if (ctx.external) {
            const externalId = ctx.external.registry.get(entry[0])?.id; // ?? "__shared";// `__schema${ctx.counter++}`;
            // check if schema is in the external registry
            const uriGenerator = ctx.external.uri ?? ((id) => id);
            if (externalId) {
                return { ref: uriGenerator(externalId) };
            }
            // otherwise, add to __shared
            const id = entry[1].defId ?? entry[1].schema.id ?? `schema${ctx.counter++}`;
            entry[1].defId = id; // set defId so it will be reused if needed
            return { defId: id, ref: `${uriGenerator("__shared")}#/${defsSegment}/${encodeJSONPointerSegment(id)}` };
        }
        const uriPrefix = `#`;
        const defUriPrefix = `${uriPrefix}/${defsSegment}/`;
        // an id-less root has nowhere to be extracted to, so it stays inline and self-references as `#`
        if (entry[1] === root && !entry[1].schema.id) {
            return { ref: uriPrefix };
        }
        // self-contained schema
        const defId = entry[1].schema.id ?? `__schema${ctx.counter++}`;
        return { defId, ref: defUriPrefix + encodeJSONPointerSegment(defId) };
    };
    // stored cached version in `def` property remove all properties, set $ref
    const extractToDef = (entry) => {
        // if the schema is already a reference, do not extract it
        if (entry[1].schema.$ref) {
            return;
        }
        const seen = entry[1];
        const { ref, defId } = makeURI(entry);
        seen.def = { ...seen.schema };
        // defId won't be set if the schema is a reference to an external schema or if the schema is the root schema
        if (defId)
            seen.defId = defId;
        // wipe away all properties except $ref
        const schema = seen.schema;
        for (const key in schema) {
            delete schema[key];
        }
        schema.$ref = ref;
    };
    // throw on cycles
    // break cycles
    if (ctx.cycles === "throw") {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.cycle) {
                throw new Error("Cycle detected: " +
                    `#/${seen.cycle?.join("/")}/<root>` +
                    '\n\nSet the `cycles` parameter to `"ref"` to resolve cyclical schemas with defs.');
            }
        }
    }
    // extract schemas into $defs
    for (const entry of ctx.seen.entries()) {
        const seen = entry[1];
        // convert root schema to # $ref
        if (schema === entry[0]) {
            extractToDef(entry); // this has special handling for the root schema
            continue;
        }
        // extract schemas that are in the external registry
        if (ctx.external) {
            const ext = ctx.external.registry.get(entry[0])?.id;
            if (schema !== entry[0] && ext) {
                extractToDef(entry);
                continue;
            }
        }
        // extract schemas with `id` meta
        const id = ctx.metadataRegistry.get(entry[0])?.id;
        if (id) {
            extractToDef(entry);
            continue;
        }
        // break cycles
        if (seen.cycle) {
            // any
            extractToDef(entry);
            continue;
        }
        // extract reused schemas
        if (seen.count > 1) {
            if (ctx.reused === "ref") {
                extractToDef(entry);
            }
        }
    }
    if (ctx.external)
        ctx.sharedDefsExtractedFor = ctx.external;
}
/** Rewrites `anyOf: [{type: "a"}, {type: "b"}]` to `type: ["a", "b"]`, which every JSON Schema draft treats as equivalent and most consumers render far better for the nullable case. Only branches that are a bare type assertion qualify — anything carrying a constraint, `$ref`, `const` or metadata is left alone. Runs after `flattenRef`, so a branch an override decorated or `$defs` extraction turned into a `$ref` is no longer bare and correctly stays in `anyOf`. `oneOf` is excluded: `integer` and `number` overlap, so "exactly one" and "at least one" are not the same there. OpenAPI 3.0 is excluded: its `type` must be a single string. */
function compactTypeUnion(schema) {
    const options = schema.anyOf;
    if (!Array.isArray(options) || options.length === 0 || schema.type !== undefined)
        return;
    const types = [];
    for (const option of options) {
        if (!option || typeof option !== "object")
            return;
        // A branch that is itself a compactible union folds into this one — nested `anyOf` and a flat `type` array say the same thing. Compacting it first also makes the result independent of the order this pass walks the seen map in.
        compactTypeUnion(option);
        const keys = Object.keys(option);
        if (keys.length !== 1 || keys[0] !== "type")
            return;
        const type = option.type;
        for (const member of Array.isArray(type) ? type : [type]) {
            if (typeof member !== "string")
                return;
            if (!types.includes(member))
                types.push(member);
        }
    }
    delete schema.anyOf;
    // A `type` array must be non-empty and unique (metaschema); a single member is spelled as a bare string.
    schema.type = types.length === 1 ? types[0] : types;
}
/** Keywords `foldIntersection` knows how to combine. Anything else — `$ref`, `patternProperties`,
 * an annotation like `description` — makes a member unfoldable, so a constraint this does not
 * understand leaves the `allOf` alone instead of being silently dropped or misattributed. */
const FOLDABLE_KEYS = new Set(["type", "properties", "required", "additionalProperties"]);
const UNION_KEYS = ["oneOf", "anyOf"];
/** A member's constraint on a key it does not declare itself. A `catchall` states one; `false`, an absent `additionalProperties`, and the empty schema a loose object emits state nothing. */
function undeclaredConstraint(member) {
    const extra = member.additionalProperties;
    if (extra === undefined || extra === false || typeof extra !== "object" || extra === null)
        return null;
    return Object.keys(extra).length ? extra : null;
}
/** Combines object members into the single object they describe together, or returns `null` if any of them carries a keyword outside {@link FOLDABLE_KEYS}. */
function foldObjects(members) {
    const objects = [];
    for (const member of members) {
        // A boolean subschema is legal JSON Schema and carries no keywords to fold.
        if (typeof member !== "object" || member.type !== "object")
            return null;
        for (const key in member) {
            if (!FOLDABLE_KEYS.has(key))
                return null;
        }
        objects.push(member);
    }
    const properties = {};
    const required = new Set();
    for (const object of objects) {
        for (const key in object.properties) {
            // `in` would report a `__proto__` key as already present via the prototype chain and skip it.
            if (Object.prototype.hasOwnProperty.call(properties, key))
                continue;
            // Every member constrains this key: the ones that declare it say how, and a `catchall` member constrains it too even though it does not name it. The key has to satisfy all of them, which is the same intersection one level down.
            const parts = [];
            for (const other of objects) {
                const part = other.properties?.[key] ?? undeclaredConstraint(other);
                if (part === null || part === undefined)
                    continue;
                if (!parts.some((seen) => JSON.stringify(seen) === JSON.stringify(part)))
                    parts.push(part);
            }
            const merged = parts.length === 1
                ? parts[0]
                : (foldObjects(parts) ?? { allOf: parts });
            (0,core_util/* assignProp */.Vy)(properties, key, merged);
        }
        for (const key of object.required ?? [])
            required.add(key);
    }
    const folded = { type: "object", properties };
    if (required.size)
        folded.required = [...required];
    // A key no member declares is rejected only when every member rejects it, so the fold is closed only when every member is. Otherwise it carries whatever the `catchall` members demand of such a key.
    if (objects.every((object) => object.additionalProperties === false)) {
        folded.additionalProperties = false;
    }
    else {
        const constraints = [];
        for (const object of objects) {
            const constraint = undeclaredConstraint(object);
            if (constraint && !constraints.some((seen) => JSON.stringify(seen) === JSON.stringify(constraint)))
                constraints.push(constraint);
        }
        if (constraints.length === 1)
            folded.additionalProperties = constraints[0];
        else if (constraints.length > 1)
            folded.additionalProperties = { allOf: constraints };
    }
    return folded;
}
/** `additionalProperties` in an `allOf` member sees only that member's own `properties`, so two
 * closed object members reject each other's keys and the schema validates nothing. Zod's parser
 * pools the key sets instead — `handleIntersectionResults` reports a key as unrecognized only when
 * *every* side rejects it — so the emitted schema has to pool them too, and folding the members
 * into one object is the encoding that says so on every target.
 *
 * This runs from `finalize`, after `extractDefs`, which is what keeps it clear of the `$ref`
 * machinery: a member extracted into `$defs` is already a `$ref` by now and declines to fold, so it
 * keeps its reference and its own closedness rather than being inlined as a stale copy. */
function foldIntersection(json) {
    const allOf = json.allOf;
    if (!Array.isArray(allOf) || allOf.length < 2)
        return;
    // An `override` runs before this pass and may have written object keywords onto the intersection itself. Those are deliberate, so decline rather than overwrite them.
    for (const key of FOLDABLE_KEYS)
        if (key in json)
            return;
    // An intersection distributes over a union: `A & (X | Y)` is `(A & X) | (A & Y)`. Only the first union is distributed over; a second one stays among the members every branch folds against, where it fails the object check and declines the whole intersection rather than multiplying out.
    const unions = allOf.filter((m) => UNION_KEYS.some((k) => Array.isArray(m[k])));
    let folded = null;
    if (!unions.length) {
        folded = foldObjects(allOf);
    }
    else {
        const union = unions[0];
        const keyword = UNION_KEYS.find((k) => Array.isArray(union[k]));
        if (Object.keys(union).length !== 1)
            return;
        const rest = allOf.filter((m) => m !== union);
        const branches = union[keyword].map((branch) => foldObjects([...rest, branch]));
        if (branches.some((b) => !b))
            return;
        folded = { [keyword]: branches };
    }
    if (!folded)
        return;
    delete json.allOf;
    assignProps(json, folded);
}
function to_json_schema_finalize(ctx, schema) {
    const root = ctx.seen.get(schema);
    if (!root)
        throw new Error("Unprocessed schema. This is a bug in Zod.");
    // flatten refs - inherit properties from parent schemas
    const flattenRef = (zodSchema) => {
        const seen = ctx.seen.get(zodSchema);
        // already processed
        if (seen.ref === null)
            return;
        const schema = seen.def ?? seen.schema;
        const _cached = { ...schema };
        const ref = seen.ref;
        seen.ref = null; // prevent infinite recursion
        if (ref) {
            flattenRef(ref);
            const refSeen = ctx.seen.get(ref);
            const refSchema = refSeen.schema;
            // merge referenced schema into current
            if (refSchema.$ref && (ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0")) {
                // older drafts can't combine $ref with other properties
                schema.allOf = schema.allOf ?? [];
                schema.allOf.push(refSchema);
            }
            else {
                assignProps(schema, refSchema);
            }
            // restore child's own properties (child wins)
            assignProps(schema, _cached);
            const isParentRef = zodSchema._zod.parent === ref;
            // For parent chain, child is a refinement - remove parent-only properties
            if (isParentRef) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (!(key in _cached)) {
                        delete schema[key];
                    }
                }
            }
            // When ref was extracted to $defs, remove properties that match the definition
            if (refSchema.$ref && refSeen.def) {
                for (const key in schema) {
                    if (key === "$ref" || key === "allOf")
                        continue;
                    if (key in refSeen.def && JSON.stringify(schema[key]) === JSON.stringify(refSeen.def[key])) {
                        delete schema[key];
                    }
                }
            }
        }
        // If parent was extracted (has $ref), propagate $ref to this schema. This handles cases like: readonly().meta({id}).describe() where processor sets ref to innerType but parent should be referenced
        const parent = zodSchema._zod.parent;
        if (parent && parent !== ref) {
            // Ensure parent is processed first so its def has inherited properties
            flattenRef(parent);
            const parentSeen = ctx.seen.get(parent);
            if (parentSeen?.schema.$ref) {
                schema.$ref = parentSeen.schema.$ref;
                // De-duplicate with parent's definition
                if (parentSeen.def) {
                    for (const key in schema) {
                        if (key === "$ref" || key === "allOf")
                            continue;
                        if (key in parentSeen.def && JSON.stringify(schema[key]) === JSON.stringify(parentSeen.def[key])) {
                            delete schema[key];
                        }
                    }
                }
            }
        }
        // execute overrides
        ctx.override({
            zodSchema: zodSchema,
            jsonSchema: schema,
            path: seen.path ?? [],
        });
    };
    // Flattening walks the whole map and clears each `ref` as it goes, so a second call over the same map is a no-op scan. Skip it outright once it has run for a registry conversion.
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of [...ctx.seen.entries()].reverse()) {
            flattenRef(entry[0]);
        }
        if (ctx.target !== "openapi-3.0") {
            for (const entry of ctx.seen.entries()) {
                compactTypeUnion(entry[1].def ?? entry[1].schema);
            }
        }
        for (const rewrite of ctx.deferred)
            rewrite();
        // After flattening, every member that was extracted is a `$ref`, so the fold sees the final shape. A schema that inherits an intersection — through `z.lazy`, or any `ref` chain — holds the same `allOf` array, so fold by array identity to catch every copy.
        if (ctx.intersections.length) {
            const carriers = new Map();
            for (const seen of ctx.seen.values()) {
                for (const json of [seen.schema, seen.def]) {
                    const allOf = json?.allOf;
                    if (!Array.isArray(allOf))
                        continue;
                    const existing = carriers.get(allOf);
                    if (existing)
                        existing.push(json);
                    else
                        carriers.set(allOf, [json]);
                }
            }
            for (const allOf of ctx.intersections) {
                for (const json of carriers.get(allOf) ?? [])
                    foldIntersection(json);
            }
        }
    }
    const result = {};
    if (ctx.target === "draft-2020-12") {
        result.$schema = "https://json-schema.org/draft/2020-12/schema";
    }
    else if (ctx.target === "draft-07") {
        result.$schema = "http://json-schema.org/draft-07/schema#";
    }
    else if (ctx.target === "draft-04") {
        result.$schema = "http://json-schema.org/draft-04/schema#";
    }
    else if (ctx.target === "openapi-3.0") {
        // OpenAPI 3.0 schema objects should not include a $schema property
    }
    else {
        // Arbitrary string values are allowed but won't have a $schema property set
    }
    if (ctx.external?.uri) {
        const id = ctx.external.registry.get(schema)?.id;
        if (!id)
            throw new Error("Schema is missing an `id` property");
        result.$id = ctx.external.uri(id);
    }
    // when the root was extracted into $defs, `root.schema` is the `$ref` wrapper and `root.def` is the body that now lives under $defs
    assignProps(result, root.defId ? root.schema : (root.def ?? root.schema));
    // The `id` in `.meta()` is a Zod-specific registration tag used to extract schemas into $defs — it is not user-facing JSON Schema metadata. Strip it from the output body where it would otherwise leak. The id is preserved implicitly via the $defs key (and via $ref paths).
    const rootMetaId = ctx.metadataRegistry.get(schema)?.id;
    if (rootMetaId !== undefined && result.id === rootMetaId)
        delete result.id;
    // build defs object. With `external`, `defs` is the shared object every schema writes into, so the same entries are reassigned on every call. Without it, `defs` is fresh per call and must be rebuilt.
    const defs = ctx.external?.defs ?? {};
    if (!ctx.external || ctx.sharedEmitDoneFor !== ctx.external) {
        for (const entry of ctx.seen.entries()) {
            const seen = entry[1];
            if (seen.def && seen.defId) {
                if (seen.def.id === seen.defId)
                    delete seen.def.id;
                (0,core_util/* assignProp */.Vy)(defs, seen.defId, seen.def);
            }
        }
    }
    if (ctx.external)
        ctx.sharedEmitDoneFor = ctx.external;
    // set definitions in result
    if (ctx.external) {
    }
    else {
        if (Object.keys(defs).length > 0) {
            if (ctx.target === "draft-2020-12") {
                result.$defs = defs;
            }
            else {
                result.definitions = defs;
            }
        }
    }
    try {
        // this "finalizes" this schema and ensures all cycles are removed each call to finalize() is functionally independent though the seen map is shared
        const finalized = JSON.parse(JSON.stringify(result));
        Object.defineProperty(finalized, "~standard", {
            value: {
                ...schema["~standard"],
                jsonSchema: {
                    input: createStandardJSONSchemaMethod(schema, "input", ctx.processors),
                    output: createStandardJSONSchemaMethod(schema, "output", ctx.processors),
                },
            },
            enumerable: false,
            writable: false,
        });
        return finalized;
    }
    catch (_err) {
        throw new Error("Error converting schema to JSON.");
    }
}
function isTransforming(_schema, _ctx) {
    const ctx = _ctx ?? { seen: new Set() };
    if (ctx.seen.has(_schema))
        return false;
    ctx.seen.add(_schema);
    const def = _schema._zod.def;
    if (def.type === "transform")
        return true;
    if (def.type === "array")
        return isTransforming(def.element, ctx);
    if (def.type === "set")
        return isTransforming(def.valueType, ctx);
    if (def.type === "lazy")
        return isTransforming(def.getter(), ctx);
    if (def.type === "promise" ||
        def.type === "optional" ||
        def.type === "nonoptional" ||
        def.type === "nullable" ||
        def.type === "readonly" ||
        def.type === "default" ||
        def.type === "prefault" ||
        def.type === "catch") {
        return isTransforming(def.innerType, ctx);
    }
    if (def.type === "intersection") {
        return isTransforming(def.left, ctx) || isTransforming(def.right, ctx);
    }
    if (def.type === "record" || def.type === "map") {
        return isTransforming(def.keyType, ctx) || isTransforming(def.valueType, ctx);
    }
    if (def.type === "pipe") {
        if (_schema._zod.traits.has("$ZodCodec"))
            return true;
        return isTransforming(def.in, ctx) || isTransforming(def.out, ctx);
    }
    if (def.type === "object") {
        for (const key in def.shape) {
            if (isTransforming(def.shape[key], ctx))
                return true;
        }
        return false;
    }
    if (def.type === "union") {
        for (const option of def.options) {
            if (isTransforming(option, ctx))
                return true;
        }
        return false;
    }
    if (def.type === "tuple") {
        for (const item of def.items) {
            if (isTransforming(item, ctx))
                return true;
        }
        if (def.rest && isTransforming(def.rest, ctx))
            return true;
        return false;
    }
    return false;
}
/**
 * Creates a toJSONSchema method for a schema instance.
 * This encapsulates the logic of initializing context, processing, extracting defs, and finalizing.
 */
const createToJSONSchemaMethod = (schema, processors = {}) => (params) => {
    const ctx = to_json_schema_initializeContext({ ...params, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};
const createStandardJSONSchemaMethod = (schema, io, processors = {}) => (params) => {
    const { libraryOptions, target } = params ?? {};
    const ctx = to_json_schema_initializeContext({ ...(libraryOptions ?? {}), target, io, processors });
    to_json_schema_processSchema(schema, ctx);
    to_json_schema_extractDefs(ctx, schema);
    return to_json_schema_finalize(ctx, schema);
};

;// CONCATENATED MODULE: ./node_modules/zod/v4/core/json-schema-processors.js




const narrowMin = (agg, key, value) => {
    if (agg[key] === undefined || value > agg[key])
        agg[key] = value;
};
const narrowMax = (agg, key, value) => {
    if (agg[key] === undefined || value < agg[key])
        agg[key] = value;
};
const narrowBoth = (agg, value) => {
    narrowMin(agg, "minimum", value);
    narrowMax(agg, "maximum", value);
};
const addDivisor = (agg, value) => {
    agg.multipleOf ?? (agg.multipleOf = []);
    if (!agg.multipleOf.includes(value))
        agg.multipleOf.push(value);
};
const addPattern = (agg, pattern) => {
    agg.patterns ?? (agg.patterns = new Set());
    agg.patterns.add(pattern);
};
const intersectMime = (agg, mime) => {
    agg.mime = agg.mime ? agg.mime.filter((m) => mime.includes(m)) : [...mime];
};
// last-wins, matching the bag's historical write order; the flag keeps an integer format from being lost to a later float one
const setFormat = (agg, format) => {
    agg.format = format;
    if (format.includes("int"))
        agg.isInt = true;
};
const minContributor = (agg, def) => narrowMin(agg, "minimum", def.minimum);
const maxContributor = (agg, def) => narrowMax(agg, "maximum", def.maximum);
const formatContributor = (ranges) => (agg, def) => {
    setFormat(agg, def.format);
    const [minimum, maximum] = ranges[def.format];
    narrowMin(agg, "minimum", minimum);
    narrowMax(agg, "maximum", maximum);
};
const contributors = {
    greater_than: (agg, def) => narrowMin(agg, def.inclusive ? "minimum" : "exclusiveMinimum", def.value),
    less_than: (agg, def) => narrowMax(agg, def.inclusive ? "maximum" : "exclusiveMaximum", def.value),
    multiple_of: (agg, def) => addDivisor(agg, def.value),
    number_format: formatContributor(core_util/* NUMBER_FORMAT_RANGES */.zH),
    bigint_format: formatContributor(core_util/* BIGINT_FORMAT_RANGES */.NR),
    min_length: minContributor,
    max_length: maxContributor,
    length_equals: (agg, def) => narrowBoth(agg, def.length),
    min_size: minContributor,
    max_size: maxContributor,
    size_equals: (agg, def) => narrowBoth(agg, def.size),
    string_format: (agg, def) => {
        setFormat(agg, def.format);
        if (def.pattern)
            addPattern(agg, def.pattern);
        if (def.format === "base64" || def.format === "base64url")
            agg.contentEncoding = def.format;
        if (def.local || def.precision === -1)
            agg.laxFormat = true;
    },
    mime_type: (agg, def) => intersectMime(agg, def.mime),
};
function aggregateChecks(schema) {
    const agg = {};
    const def = schema._zod.def;
    // a format schema is its own first check, same rule as $ZodType init
    const list = schema._zod.traits.has("$ZodCheck")
        ? [schema, ...(def.checks ?? [])]
        : (def.checks ?? []);
    for (const ch of list)
        contributors[ch._zod.def.check]?.(agg, ch._zod.def);
    // reconcile with the bag so third-party onattach contributions still land; first-party residue is never tighter than the fold, so merging it back is idempotent for one and additive for the other
    const bag = schema._zod.bag;
    if (bag.minimum !== undefined)
        narrowMin(agg, "minimum", bag.minimum);
    if (bag.exclusiveMinimum !== undefined)
        narrowMin(agg, "exclusiveMinimum", bag.exclusiveMinimum);
    if (bag.maximum !== undefined)
        narrowMax(agg, "maximum", bag.maximum);
    if (bag.exclusiveMaximum !== undefined)
        narrowMax(agg, "exclusiveMaximum", bag.exclusiveMaximum);
    if (bag.multipleOf !== undefined)
        addDivisor(agg, bag.multipleOf);
    if (bag.format !== undefined) {
        agg.format ?? (agg.format = bag.format);
        if (bag.format.includes("int"))
            agg.isInt = true;
    }
    if (bag.mime)
        intersectMime(agg, bag.mime);
    for (const pattern of bag.patterns ?? [])
        addPattern(agg, pattern);
    return agg;
}
const formatMap = {
    guid: "uuid",
    url: "uri",
    datetime: "date-time",
    json_string: "json-string",
    regex: "", // do not set
};
// ==================== SIMPLE TYPE PROCESSORS ====================
// the runtime patterns are lax so parse paths never overflow the regex stack; the emitted schema swaps in the exact block forms, which zod itself never executes
const exactPatterns = new Map([
    [base64Charset, base64],
    [base64urlCharset, base64url],
]);
const exactPattern = (p) => exactPatterns.get(p) ?? p;
const stringProcessor = (schema, ctx, _json, _params) => {
    const json = _json;
    json.type = "string";
    const { minimum, maximum, format, patterns, contentEncoding, laxFormat } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minLength = minimum;
    if (typeof maximum === "number")
        json.maxLength = maximum;
    // custom pattern overrides format
    if (format) {
        json.format = formatMap[format] ?? format;
        if (json.format === "")
            delete json.format; // empty format is not valid
        // `z.iso.time()` is never full-time, and `laxFormat` carries the datetime shapes that also accept what their keyword forbids
        if (format === "time" || laxFormat) {
            delete json.format;
        }
    }
    if (contentEncoding)
        json.contentEncoding = contentEncoding;
    if (patterns && patterns.size > 0) {
        const patternList = [...patterns].map(exactPattern);
        if (patternList.length === 1)
            json.pattern = patternList[0].source;
        else if (patternList.length > 1) {
            json.allOf = [
                ...patternList.map((regex) => ({
                    ...(ctx.target === "draft-07" || ctx.target === "draft-04" || ctx.target === "openapi-3.0"
                        ? { type: "string" }
                        : {}),
                    pattern: regex.source,
                })),
            ];
        }
    }
};
const numberProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const { minimum, maximum, multipleOf, exclusiveMaximum, exclusiveMinimum, isInt } = aggregateChecks(schema);
    json.type = isInt ? "integer" : "number";
    // when both minimum and exclusiveMinimum exist, pick the more restrictive one
    const exMin = typeof exclusiveMinimum === "number" && exclusiveMinimum >= (minimum ?? Number.NEGATIVE_INFINITY);
    const exMax = typeof exclusiveMaximum === "number" && exclusiveMaximum <= (maximum ?? Number.POSITIVE_INFINITY);
    const legacy = ctx.target === "draft-04" || ctx.target === "openapi-3.0";
    if (exMin) {
        if (legacy) {
            json.minimum = exclusiveMinimum;
            json.exclusiveMinimum = true;
        }
        else {
            json.exclusiveMinimum = exclusiveMinimum;
        }
    }
    else if (typeof minimum === "number") {
        json.minimum = minimum;
    }
    if (exMax) {
        if (legacy) {
            json.maximum = exclusiveMaximum;
            json.exclusiveMaximum = true;
        }
        else {
            json.exclusiveMaximum = exclusiveMaximum;
        }
    }
    else if (typeof maximum === "number") {
        json.maximum = maximum;
    }
    if (multipleOf) {
        // JSON Schema requires a divisor strictly greater than zero, and a non-finite one does not survive JSON at all. A negative divisor accepts exactly what its absolute value accepts, so it still maps; zero, NaN and Infinity have no keyword form.
        const divisors = new Set();
        for (const divisor of multipleOf) {
            if (Number.isFinite(divisor) && divisor !== 0)
                divisors.add(Math.abs(divisor));
            else
                handleUnrepresentable(schema, ctx, json, params, `A multipleOf divisor of ${divisor} cannot be represented in JSON Schema`);
        }
        // chained divisors are a conjunction the keyword cannot carry alone, so extras ride an allOf, same as stacked patterns
        const [first, ...rest] = divisors;
        if (first !== undefined)
            json.multipleOf = first;
        if (rest.length)
            json.allOf = [...(json.allOf ?? []), ...rest.map((m) => ({ multipleOf: m }))];
    }
};
const booleanProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const bigintProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "BigInt cannot be represented in JSON Schema");
};
const symbolProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Symbols cannot be represented in JSON Schema");
};
const nullProcessor = (_schema, ctx, json, _params) => {
    if (ctx.target === "openapi-3.0") {
        json.type = "string";
        json.nullable = true;
        json.enum = [null];
    }
    else {
        json.type = "null";
    }
};
const undefinedProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Undefined cannot be represented in JSON Schema");
};
const voidProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Void cannot be represented in JSON Schema");
};
const neverProcessor = (_schema, _ctx, json, _params) => {
    json.not = {};
};
const anyProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const unknownProcessor = (_schema, _ctx, _json, _params) => {
    // empty schema accepts anything
};
const dateProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Date cannot be represented in JSON Schema");
};
const enumProcessor = (schema, _ctx, json, _params) => {
    const def = schema._zod.def;
    const values = (0,core_util/* getEnumValues */.w5)(def.entries);
    // an empty enum accepts nothing, same as z.never()
    if (values.length === 0) {
        json.not = {};
        return;
    }
    // Number enums can have both string and number values
    if (values.every((v) => typeof v === "number"))
        json.type = "number";
    if (values.every((v) => typeof v === "string"))
        json.type = "string";
    json.enum = values;
};
const literalProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // a literal with no values accepts nothing, same as z.never()
    if (def.values.length === 0) {
        json.not = {};
        return;
    }
    const vals = [];
    for (const val of def.values) {
        if (val === undefined) {
            // a custom schema replaces the whole literal, so there is nothing left to accumulate
            if (handleUnrepresentable(schema, ctx, json, params, "Literal `undefined` cannot be represented in JSON Schema"))
                return;
            // otherwise do not add to vals
        }
        else if (typeof val === "bigint") {
            if (handleUnrepresentable(schema, ctx, json, params, "BigInt literals cannot be represented in JSON Schema"))
                return;
            vals.push(Number(val));
        }
        else {
            vals.push(val);
        }
    }
    if (vals.length === 0) {
        // do nothing (an undefined literal was stripped)
    }
    else if (vals.length === 1) {
        const val = vals[0];
        json.type = val === null ? "null" : typeof val;
        if (ctx.target === "draft-04" || ctx.target === "openapi-3.0") {
            json.enum = [val];
        }
        else {
            json.const = val;
        }
    }
    else {
        if (vals.every((v) => typeof v === "number"))
            json.type = "number";
        if (vals.every((v) => typeof v === "string"))
            json.type = "string";
        if (vals.every((v) => typeof v === "boolean"))
            json.type = "boolean";
        if (vals.every((v) => v === null))
            json.type = "null";
        json.enum = vals;
    }
};
const nanProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "NaN cannot be represented in JSON Schema");
};
const templateLiteralProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    const pattern = schema._zod.pattern;
    if (!pattern)
        throw new Error("Pattern not found in template literal");
    _json.type = "string";
    _json.pattern = pattern.source;
};
const fileProcessor = (schema, _ctx, json, _params) => {
    const _json = json;
    _json.type = "string";
    _json.format = "binary";
    _json.contentEncoding = "binary";
    const { minimum, maximum, mime } = aggregateChecks(schema);
    if (minimum !== undefined)
        _json.minLength = minimum;
    if (maximum !== undefined)
        _json.maxLength = maximum;
    if (!mime)
        return;
    // an empty intersection means the mime checks share no value, so nothing passes at runtime; `anyOf` must be non-empty, so the false schema is `not: {}`
    if (mime.length === 0)
        _json.not = {};
    else if (mime.length === 1)
        _json.contentMediaType = mime[0];
    // only contentMediaType differs, so the shared props stay at the root
    else
        _json.anyOf = mime.map((m) => ({ contentMediaType: m }));
};
const successProcessor = (_schema, _ctx, json, _params) => {
    json.type = "boolean";
};
const customProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Custom types cannot be represented in JSON Schema");
};
const functionProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Function types cannot be represented in JSON Schema");
};
const transformProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Transforms cannot be represented in JSON Schema");
};
const mapProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Map cannot be represented in JSON Schema");
};
const setProcessor = (schema, ctx, json, params) => {
    handleUnrepresentable(schema, ctx, json, params, "Set cannot be represented in JSON Schema");
};
// ==================== COMPOSITE TYPE PROCESSORS ====================
const arrayProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
    json.type = "array";
    json.items = to_json_schema_processSchema(def.element, ctx, {
        ...params,
        path: [...params.path, "items"],
    });
};
// Transform and catch set `optin = "optional"` at runtime so the parser lets them observe an
// absent key, but their declared input type stays required. An input JSON Schema describes the
// declared type, so resolve past them to the schema that actually carries the optionality.
// Used by both `objectProcessor` (for `required`) and `tupleProcessor` (for `minItems`); see
// wiki/optionality.md, "The JSON Schema emitter reads the *static* value".
function inputOptin(schema) {
    const def = schema._zod.def;
    if (def.type === "pipe" && def.in._zod.traits.has("$ZodTransform")) {
        return inputOptin(def.out);
    }
    if (def.type === "catch") {
        return inputOptin(def.innerType);
    }
    return schema._zod.optin;
}
const objectProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    const shape = def.shape;
    // dropping it while still emitting `additionalProperties: false` would emit a schema that rejects data this one requires
    const symbolKeys = Object.getOwnPropertySymbols(shape);
    if (symbolKeys.length &&
        handleUnrepresentable(schema, ctx, json, params, "Symbol keys cannot be represented in JSON Schema")) {
        return;
    }
    json.type = "object";
    json.properties = {};
    for (const key in shape) {
        // assignProp so a __proto__ key becomes an own property instead of hitting the inherited setter on the plain {} we build into
        (0,core_util/* assignProp */.Vy)(json.properties, key, to_json_schema_processSchema(shape[key], ctx, {
            ...params,
            path: [...params.path, "properties", key],
        }));
    }
    // required keys
    const requiredKeys = [];
    for (const key of Object.keys(shape)) {
        const field = def.shape[key];
        if (ctx.io === "input" ? inputOptin(field) === undefined : field._zod.optout === undefined) {
            requiredKeys.push(key);
        }
    }
    if (requiredKeys.length > 0) {
        json.required = requiredKeys;
    }
    // catchall
    if (def.catchall?._zod.def.type === "never") {
        // strict
        json.additionalProperties = false;
    }
    else if (!def.catchall) {
        // regular
        if (ctx.io === "output")
            json.additionalProperties = false;
    }
    else if (def.catchall) {
        json.additionalProperties = to_json_schema_processSchema(def.catchall, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
};
const unionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    // Exclusive unions (inclusive === false) use oneOf (exactly one match) instead of anyOf (one or more matches). This includes both z.xor() and discriminated unions
    const isExclusive = def.inclusive === false;
    const options = def.options.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, isExclusive ? "oneOf" : "anyOf", i],
    }));
    if (isExclusive) {
        json.oneOf = options;
    }
    else {
        json.anyOf = options;
    }
};
const intersectionProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const a = to_json_schema_processSchema(def.left, ctx, {
        ...params,
        path: [...params.path, "allOf", 0],
    });
    const b = to_json_schema_processSchema(def.right, ctx, {
        ...params,
        path: [...params.path, "allOf", 1],
    });
    const isSimpleIntersection = (val) => "allOf" in val && Object.keys(val).length === 1;
    const allOf = [
        ...(isSimpleIntersection(a) ? a.allOf : [a]),
        ...(isSimpleIntersection(b) ? b.allOf : [b]),
    ];
    json.allOf = allOf;
    // Recorded innermost first, so a nested intersection has already folded by the time this one is considered. The array is the handle rather than the schema, because a wrapper that inherits this schema shares the same array; `finalize` folds every object holding it. See `foldIntersection`.
    ctx.intersections.push(allOf);
};
const tupleProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "array";
    const prefixPath = ctx.target === "draft-2020-12" ? "prefixItems" : "items";
    const restPath = ctx.target === "draft-2020-12" ? "items" : ctx.target === "openapi-3.0" ? "items" : "additionalItems";
    const prefixItems = def.items.map((x, i) => to_json_schema_processSchema(x, ctx, {
        ...params,
        path: [...params.path, prefixPath, i],
    }));
    const rest = def.rest
        ? to_json_schema_processSchema(def.rest, ctx, {
            ...params,
            path: [...params.path, restPath, ...(ctx.target === "openapi-3.0" ? [def.items.length] : [])],
        })
        : null;
    let minItems = def.items.length;
    while (minItems > 0) {
        const item = def.items[minItems - 1];
        const optional = ctx.io === "input" ? inputOptin(item) !== undefined : item._zod.optout === "optional";
        if (!optional)
            break;
        minItems--;
    }
    const maxItems = def.items.length;
    const isClosed = !def.rest;
    if (ctx.target === "draft-2020-12") {
        json.prefixItems = prefixItems;
        if (isClosed) {
            json.items = false;
        }
        else if (rest) {
            json.items = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else if (ctx.target === "openapi-3.0") {
        json.items = {
            anyOf: prefixItems,
        };
        if (rest) {
            json.items.anyOf.push(rest);
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    else {
        json.items = prefixItems;
        if (isClosed) {
            json.additionalItems = false;
        }
        else if (rest) {
            json.additionalItems = rest;
        }
        if (minItems > 0)
            json.minItems = minItems;
        if (isClosed)
            json.maxItems = maxItems;
    }
    // explicit user-defined length checks take precedence
    const { minimum, maximum } = aggregateChecks(schema);
    if (typeof minimum === "number")
        json.minItems = minimum;
    if (typeof maximum === "number")
        json.maxItems = maximum;
};
/** JSON object keys are always strings, so a numeric record key schema is re-expressed over the
 * numeric-string form the record parser matches. Deferred to `finalize`, after the flatten: a key
 * behind a wrapper only carries its own `type` before then, and a union key only has its branches.
 *
 * A numeric bound cannot apply to a property name, so `minimum` and its siblings are dropped rather
 * than carried over: keeping them beside `type: "string"` reproduces the match-nothing schema this
 * exists to fix. A key that carries one therefore emits wider than the record parses — `z.record(z.number().min(5), V)`
 * accepts `"3"` — which is the deliberate trade, since throwing on it would reject an ordinary schema
 * outright. */
function stringifyKeyNames(bySchema, json, visited) {
    // an extracted key that rewrites cannot go on sharing its definition — the string form a key position needs is not the number form every other reference wants — so it inlines. One that does not rewrite keeps the `$ref`.
    if (json.$ref) {
        // a recursive key holds its own reference inside its definition, so a node already on the path is left alone rather than resolved again
        if (visited.has(json))
            return json;
        visited.add(json);
        const def = bySchema.get(json)?.def;
        if (!def)
            return json;
        const inlined = stringifyKeyNames(bySchema, def, visited);
        return inlined === def ? json : inlined;
    }
    for (const keyword of ["anyOf", "oneOf"]) {
        const branches = json[keyword];
        if (!Array.isArray(branches))
            continue;
        const mapped = branches.map((branch) => stringifyKeyNames(bySchema, branch, visited));
        // rebuilding regardless would detach a key that had nothing to re-express, dropping its `$ref` and leaking the internal `id`
        if (mapped.some((branch, i) => branch !== branches[i]))
            json = { ...json, [keyword]: mapped };
    }
    // a member that already admits a string leaves the key unconstrained, so the node's own type re-expresses only when every member is numeric
    const types = Array.isArray(json.type) ? json.type : [json.type];
    const numericType = !types.includes("string") && types.some((t) => t === "number" || t === "integer");
    // a heterogeneous key carries no type at all, so its numeric members are caught here instead
    const values = json.enum ?? (json.const !== undefined ? [json.const] : undefined);
    if (!numericType && !values?.some((v) => typeof v === "number"))
        return json;
    const { minimum, maximum, exclusiveMinimum, exclusiveMaximum, multipleOf, format, id, ...rest } = json;
    if (rest.enum)
        rest.enum = rest.enum.map((v) => (typeof v === "number" ? String(v) : v));
    else if (typeof rest.const === "number")
        rest.const = String(rest.const);
    // a heterogeneous key keeps its absent type: the stringified members already say what a key may be
    if (!numericType)
        return rest;
    rest.type = "string";
    if (!values)
        rest.pattern = (types.includes("number") ? number : integer).source;
    return rest;
}
/** Every record of one conversion, so the carriers are found in a single pass rather than once per record. */
const pendingRecords = new WeakMap();
function rewriteKeyNames(ctx) {
    // an extracted key is resolved by the object `extractToDef` left in its place, so the map is built once rather than searched per reference. `_zod.toJSONSchema` can hand the same object to two schemas, so the first entry carrying a body wins, as a search would have found it.
    const bySchema = new Map();
    for (const entry of ctx.seen.values()) {
        if (entry.def && !bySchema.has(entry.schema))
            bySchema.set(entry.schema, entry);
    }
    const rewrites = new Map();
    for (const record of pendingRecords.get(ctx) ?? []) {
        const seen = ctx.seen.get(record);
        const names = (seen?.def ?? seen?.schema)?.propertyNames;
        if (!names || names === true || rewrites.has(names))
            continue;
        const rewritten = stringifyKeyNames(bySchema, names, new Set());
        if (rewritten !== names)
            rewrites.set(names, rewritten);
    }
    if (!rewrites.size)
        return;
    // the flatten has already copied each record's own properties onto every wrapper by reference, and an extracted body is another such copy, so every carrier holding a rewritten key is updated together
    for (const entry of ctx.seen.values()) {
        for (const carrier of [entry.schema, entry.def]) {
            const rewritten = carrier && rewrites.get(carrier.propertyNames);
            if (rewritten)
                carrier.propertyNames = rewritten;
        }
    }
}
const recordProcessor = (schema, ctx, _json, params) => {
    const json = _json;
    const def = schema._zod.def;
    json.type = "object";
    // For looseRecord with regex patterns, use patternProperties. This correctly represents "only validate keys matching the pattern" semantics and composes well with allOf (intersections)
    const keyType = def.keyType;
    const patterns = aggregateChecks(keyType).patterns;
    if (def.mode === "loose" && patterns && patterns.size > 0) {
        // Use patternProperties for looseRecord with regex patterns
        const valueSchema = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "patternProperties", "*"],
        });
        json.patternProperties = {};
        for (const pattern of patterns) {
            (0,core_util/* assignProp */.Vy)(json.patternProperties, exactPattern(pattern).source, valueSchema);
        }
    }
    else {
        // Default behavior: use propertyNames + additionalProperties
        if (ctx.target === "draft-07" || ctx.target === "draft-2020-12") {
            json.propertyNames = to_json_schema_processSchema(def.keyType, ctx, {
                ...params,
                path: [...params.path, "propertyNames"],
            });
            let pending = pendingRecords.get(ctx);
            if (!pending) {
                pending = [];
                pendingRecords.set(ctx, pending);
                ctx.deferred.push(() => rewriteKeyNames(ctx));
            }
            pending.push(schema);
        }
        json.additionalProperties = to_json_schema_processSchema(def.valueType, ctx, {
            ...params,
            path: [...params.path, "additionalProperties"],
        });
    }
    // Add required for keys with discrete values (enum, literal, etc.)
    const keyValues = keyType._zod.values;
    // Every key shares one value schema, so an optional-in value makes the whole key set omittable on input. Output keeps them: the exhaustive branch assigns every key, even one whose value came back undefined.
    const omittableOnInput = ctx.io === "input" && inputOptin(def.valueType) !== undefined;
    if (keyValues && !def.partial && !omittableOnInput) {
        const validKeyValues = [...keyValues].filter((v) => typeof v === "string" || typeof v === "number");
        if (validKeyValues.length > 0) {
            json.required = validKeyValues.map(String);
        }
    }
};
const nullableProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    const inner = to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    if (ctx.target === "openapi-3.0") {
        seen.ref = def.innerType;
        json.nullable = true;
    }
    else {
        json.anyOf = [inner, { type: "null" }];
    }
};
const nonoptionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
/** Round-trips a default value through JSON so the emitted schema is guaranteed to be valid JSON.
 * A BigInt has no reliable encoding, so it goes through `unrepresentable` like any other
 * unrepresentable value. Returns a sentinel when the caller must not write a default of its own. */
const UNREPRESENTABLE_DEFAULT = Symbol();
function serializeDefaultValue(value, schema, ctx, json, params) {
    let unrepresentable = false;
    const serialized = JSON.stringify(value, (_, val) => {
        if (typeof val !== "bigint")
            return val;
        unrepresentable = true;
        return null;
    });
    if (!unrepresentable)
        return JSON.parse(serialized);
    handleUnrepresentable(schema, ctx, json, params, "BigInt defaults cannot be represented in JSON Schema");
    return UNREPRESENTABLE_DEFAULT;
}
const defaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json.default = value;
};
const prefaultProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    if (ctx.io !== "input")
        return;
    const value = serializeDefaultValue(def.defaultValue, schema, ctx, json, params);
    if (value !== UNREPRESENTABLE_DEFAULT)
        json._prefault = value;
};
const catchProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    let catchValue;
    try {
        catchValue = def.catchValue(undefined);
    }
    catch {
        handleUnrepresentable(schema, ctx, json, params, "Dynamic catch values are not supported in JSON Schema");
        return;
    }
    json.default = catchValue;
};
const pipeProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    const inIsTransform = def.in._zod.traits.has("$ZodTransform");
    const innerType = ctx.io === "input" ? (inIsTransform ? def.out : def.in) : def.out;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
const readonlyProcessor = (schema, ctx, json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
    json.readOnly = true;
};
const promiseProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const optionalProcessor = (schema, ctx, _json, params) => {
    const def = schema._zod.def;
    to_json_schema_processSchema(def.innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = def.innerType;
};
const lazyProcessor = (schema, ctx, _json, params) => {
    const innerType = schema._zod.innerType;
    to_json_schema_processSchema(innerType, ctx, params);
    const seen = ctx.seen.get(schema);
    seen.ref = innerType;
};
// ==================== ALL PROCESSORS ====================
const allProcessors = {
    string: stringProcessor,
    number: numberProcessor,
    boolean: booleanProcessor,
    bigint: bigintProcessor,
    symbol: symbolProcessor,
    null: nullProcessor,
    undefined: undefinedProcessor,
    void: voidProcessor,
    never: neverProcessor,
    any: anyProcessor,
    unknown: unknownProcessor,
    date: dateProcessor,
    enum: enumProcessor,
    literal: literalProcessor,
    nan: nanProcessor,
    template_literal: templateLiteralProcessor,
    file: fileProcessor,
    success: successProcessor,
    custom: customProcessor,
    function: functionProcessor,
    transform: transformProcessor,
    map: mapProcessor,
    set: setProcessor,
    array: arrayProcessor,
    object: objectProcessor,
    union: unionProcessor,
    intersection: intersectionProcessor,
    tuple: tupleProcessor,
    record: recordProcessor,
    nullable: nullableProcessor,
    nonoptional: nonoptionalProcessor,
    default: defaultProcessor,
    prefault: prefaultProcessor,
    catch: catchProcessor,
    pipe: pipeProcessor,
    readonly: readonlyProcessor,
    promise: promiseProcessor,
    optional: optionalProcessor,
    lazy: lazyProcessor,
};
function toJSONSchema(input, params) {
    if ("_idmap" in input) {
        // Registry case
        const registry = input;
        const ctx = initializeContext({ ...params, processors: allProcessors });
        const defs = {};
        // First pass: process all schemas to build the seen map
        for (const entry of registry._idmap.entries()) {
            const [_, schema] = entry;
            processSchema(schema, ctx);
        }
        const schemas = {};
        const external = {
            registry,
            uri: params?.uri,
            defs,
        };
        // Update the context with external configuration
        ctx.external = external;
        // Second pass: emit each schema
        for (const entry of registry._idmap.entries()) {
            const [key, schema] = entry;
            extractDefs(ctx, schema);
            assignProp(schemas, key, finalize(ctx, schema));
        }
        if (Object.keys(defs).length > 0) {
            const defsSegment = ctx.target === "draft-2020-12" ? "$defs" : "definitions";
            schemas.__shared = {
                [defsSegment]: defs,
            };
        }
        return { schemas };
    }
    // Single schema case
    const ctx = initializeContext({ ...params, processors: allProcessors });
    processSchema(input, ctx);
    extractDefs(ctx, input);
    return finalize(ctx, input);
}

;// CONCATENATED MODULE: ./node_modules/zod/v4/locales/en.js

const error = () => {
    const Sizable = {
        string: { unit: "characters", verb: "to have" },
        file: { unit: "bytes", verb: "to have" },
        array: { unit: "items", verb: "to have" },
        set: { unit: "items", verb: "to have" },
        map: { unit: "entries", verb: "to have" },
    };
    function getSizing(origin) {
        return Sizable[origin] ?? null;
    }
    const FormatDictionary = {
        regex: "input",
        email: "email address",
        url: "URL",
        emoji: "emoji",
        uuid: "UUID",
        uuidv4: "UUIDv4",
        uuidv6: "UUIDv6",
        nanoid: "nanoid",
        guid: "GUID",
        cuid: "cuid",
        cuid2: "cuid2",
        ulid: "ULID",
        xid: "XID",
        ksuid: "KSUID",
        datetime: "ISO datetime",
        date: "ISO date",
        time: "ISO time",
        duration: "ISO duration",
        ipv4: "IPv4 address",
        ipv6: "IPv6 address",
        mac: "MAC address",
        cidrv4: "IPv4 range",
        cidrv6: "IPv6 range",
        base64: "base64-encoded string",
        base64url: "base64url-encoded string",
        json_string: "JSON string",
        e164: "E.164 number",
        currency_code: "currency code",
        credit_card: "credit card number",
        iban: "IBAN",
        jwt: "JWT",
        template_literal: "input",
    };
    // type names: missing keys = do not translate (use raw value via ?? fallback)
    const TypeDictionary = {
        // Compatibility: "nan" -> "NaN" for display
        nan: "NaN",
        // All other type names omitted - they fall back to raw values via ?? operator
    };
    function getTypeName(type, input) {
        if (type === "number" && typeof input === "number" && !Number.isFinite(input)) {
            return String(input);
        }
        return TypeDictionary[type] ?? type;
    }
    return (issue) => {
        switch (issue.code) {
            case "invalid_type": {
                const expected = getTypeName(issue.expected);
                const receivedType = core_util/* parsedType */.GW(issue.input);
                const received = getTypeName(receivedType, issue.input);
                return `Invalid input: expected ${expected}, received ${received}`;
            }
            case "invalid_value":
                if (issue.values.length === 1)
                    return `Invalid input: expected ${core_util/* stringifyPrimitive */.B7(issue.values[0])}`;
                return `Invalid option: expected one of ${core_util/* joinValues */.jw(issue.values, "|")}`;
            case "too_big": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? "<=" : "<";
                const sizing = getSizing(issue.origin);
                if (sizing)
                    return `Too big: expected ${issue.origin ?? "value"} to have ${adj}${issue.maximum.toString()} ${sizing.unit ?? "elements"}`;
                return `Too big: expected ${issue.origin ?? "value"} to be ${adj}${issue.maximum.toString()}`;
            }
            case "too_small": {
                const adj = issue.exact ? "exactly " : issue.inclusive ? ">=" : ">";
                const sizing = getSizing(issue.origin);
                if (sizing) {
                    return `Too small: expected ${issue.origin} to have ${adj}${issue.minimum.toString()} ${sizing.unit}`;
                }
                return `Too small: expected ${issue.origin} to be ${adj}${issue.minimum.toString()}`;
            }
            case "invalid_format": {
                const _issue = issue;
                if (_issue.format === "starts_with") {
                    return `Invalid string: must start with "${_issue.prefix}"`;
                }
                if (_issue.format === "ends_with")
                    return `Invalid string: must end with "${_issue.suffix}"`;
                if (_issue.format === "includes")
                    return `Invalid string: must include "${_issue.includes}"`;
                if (_issue.format === "regex")
                    return `Invalid string: must match pattern ${_issue.pattern}`;
                return `Invalid ${FormatDictionary[_issue.format] ?? issue.format}`;
            }
            case "not_multiple_of":
                return `Invalid number: must be a multiple of ${issue.divisor}`;
            case "unrecognized_keys":
                return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${core_util/* joinValues */.jw(issue.keys, ", ")}`;
            case "invalid_key":
                return `Invalid key in ${issue.origin}`;
            case "invalid_union":
                if (issue.options && Array.isArray(issue.options) && issue.options.length > 0) {
                    const opts = issue.options.map((o) => `'${o}'`).join(" | ");
                    return `Invalid discriminator value. Expected ${opts}`;
                }
                if (issue.inclusive === false) {
                    return "Invalid input: more than one option matched";
                }
                return "Invalid input";
            case "invalid_element":
                return `Invalid value in ${issue.origin}`;
            default:
                return `Invalid input`;
        }
    };
};
/* harmony default export */ function en() {
    return {
        localeError: error(),
    };
}

// EXTERNAL MODULE: ./node_modules/zod/v4/core/errors.js
var errors = __nccwpck_require__(37428);
;// CONCATENATED MODULE: ./node_modules/zod/v4/core/parse.js



// Always both keys, so the `_params` read site in `_parse` sees one object shape rather than two.
function finalizeParams(callee, params) {
    return { callee: params?.callee ?? callee, Err: params?.Err };
}
const _parse = (_Err) => {
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
        const result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise) {
            throw new core_core/* $ZodAsyncError */.GT();
        }
        if (result.issues.length) {
            const e = new (_params?.Err ?? _Err)(result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())));
            core_util/* captureStackTrace */.gx(e, _params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parse = /* @__PURE__*/ _parse(errors/* $ZodRealError */.Kd);
const _parseAsync = (_Err) => {
    const fn = async (schema, value, _ctx, params) => {
        const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
        let result = schema._zod.run({ value, issues: [] }, ctx);
        if (result instanceof Promise)
            result = await result;
        if (result.issues.length) {
            const e = new (params?.Err ?? _Err)(result.issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())));
            core_util/* captureStackTrace */.gx(e, params?.callee ?? fn);
            throw e;
        }
        return result.value;
    };
    return fn;
};
const parse_parseAsync = /* @__PURE__*/ _parseAsync(errors/* $ZodRealError */.Kd);
const _safeParse = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: false } : { async: false };
    const result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise) {
        throw new core_core/* $ZodAsyncError */.GT();
    }
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParse = /* @__PURE__*/ _safeParse(errors/* $ZodRealError */.Kd);
// the error is built on the first read of `error`: finalizing the issues and constructing the instance is most of a failing parse, and a caller that only branches on `success` never pays it. a getter in the literal keeps this small; the alternative, one shared accessor descriptor plus a hidden state slot, reads ~15% faster but costs ~75 B gzipped in every bundle
function failure(Err, issues, ctx) {
    let error;
    return {
        success: false,
        get error() {
            if (!error) {
                error = new Err(issues.map((iss) => core_util/* finalizeIssue */.iR(iss, ctx, core_core/* config */.$W())));
                // finalizeIssue drops `input`, so the built error holds nothing; keeping the raw issues past this point pins the parsed value for the life of the result
                issues = undefined;
                ctx = undefined;
            }
            return error;
        },
        set error(e) {
            error = e;
            // a replacement makes the getter's branch unreachable, so the captures have to go here too
            issues = undefined;
            ctx = undefined;
        },
    };
}
const _safeParseAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, async: true } : { async: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length ? failure(_Err, result.issues, ctx) : { success: true, data: result.value };
};
const safeParseAsync = /* @__PURE__*/ _safeParseAsync(errors/* $ZodRealError */.Kd);
// registry mirrors of the compiler's sentinels, so this module never imports the compiler
const COMPILE_INVALID = /* @__PURE__ */ Symbol.for("zod.compile.invalid");
const COMPILE_FALLBACK = /* @__PURE__ */ Symbol.for("zod.compile.fallback");
// Deliberately tiny, because v8 will not inline a body carrying the fallback's object literals and throw. Everything that is not the compiled happy path lives in validateFallback, and that split is worth ~35% on a compiled schema.
const validate = ((schema, value, _ctx) => {
    const validator = schema._zod.bag.validator;
    if (validator !== undefined) {
        if (validator(value) !== COMPILE_INVALID)
            return true;
        // a definite sentinel means the runtime would reject, so skip the re-parse; a ctx can still change the answer
        if (validator.definite === true && _ctx === undefined)
            return false;
    }
    return validateFallback(schema, value, _ctx);
});
function validateFallback(schema, value, _ctx) {
    const ctx = _ctx
        ? { ..._ctx, async: false, abortEarly: true }
        : { async: false, abortEarly: true };
    const fallbackRun = schema._zod.bag.fallbackRun;
    let result;
    if (fallbackRun) {
        // skip nested fast paths on the fallback, so user callbacks keep the at-most-twice bound
        ctx[COMPILE_FALLBACK] = true;
        result = fallbackRun({ value, issues: [] }, ctx);
    }
    else {
        result = schema._zod.run({ value, issues: [] }, ctx);
    }
    if (result instanceof Promise) {
        throw new core_core/* $ZodAsyncError */.GT();
    }
    return result.issues.length === 0;
}
// no fast path: the compiler keeps async parses on the runtime, because a promise-returning callback that is not declared async compiles to a throw
const parse_validateAsync = async (schema, value, _ctx) => {
    const ctx = _ctx
        ? { ..._ctx, async: true, abortEarly: true }
        : { async: true, abortEarly: true };
    let result = schema._zod.run({ value, issues: [] }, ctx);
    if (result instanceof Promise)
        result = await result;
    return result.issues.length === 0;
};
const _encode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return parse(schema, value, ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const encode = /* @__PURE__*/ _encode(errors/* $ZodRealError */.Kd);
const _decode = (_Err) => {
    const parse = _parse(_Err);
    const fn = (schema, value, _ctx, _params) => {
        return parse(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decode = /* @__PURE__*/ _decode(errors/* $ZodRealError */.Kd);
const _encodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
        return (await parseAsync(schema, value, ctx, finalizeParams(fn, _params)));
    };
    return fn;
};
const encodeAsync = /* @__PURE__*/ _encodeAsync(errors/* $ZodRealError */.Kd);
const _decodeAsync = (_Err) => {
    const parseAsync = _parseAsync(_Err);
    const fn = async (schema, value, _ctx, _params) => {
        return await parseAsync(schema, value, _ctx, finalizeParams(fn, _params));
    };
    return fn;
};
const decodeAsync = /* @__PURE__*/ _decodeAsync(errors/* $ZodRealError */.Kd);
const _safeEncode = (_Err) => (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParse(_Err)(schema, value, ctx);
};
const safeEncode = /* @__PURE__*/ _safeEncode(errors/* $ZodRealError */.Kd);
const _safeDecode = (_Err) => (schema, value, _ctx) => {
    return _safeParse(_Err)(schema, value, _ctx);
};
const safeDecode = /* @__PURE__*/ _safeDecode(errors/* $ZodRealError */.Kd);
const _safeEncodeAsync = (_Err) => async (schema, value, _ctx) => {
    const ctx = _ctx ? { ..._ctx, direction: "backward" } : { direction: "backward" };
    return _safeParseAsync(_Err)(schema, value, ctx);
};
const safeEncodeAsync = /* @__PURE__*/ _safeEncodeAsync(errors/* $ZodRealError */.Kd);
const _safeDecodeAsync = (_Err) => async (schema, value, _ctx) => {
    return _safeParseAsync(_Err)(schema, value, _ctx);
};
const safeDecodeAsync = /* @__PURE__*/ _safeDecodeAsync(errors/* $ZodRealError */.Kd);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/errors.js



/* Prototypes that already carry the lazy helper methods. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedErrorProtos = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
/* Helper methods live as non-enumerable lazy getters on the shared
 * prototype instead of own properties on every instance. On first
 * access the getter allocates the per-instance closure and caches it
 * as a non-enumerable own property, so detached usage still works and
 * the allocation only happens for methods actually touched. */
function _lazyMethod(proto, key, make) {
    Object.defineProperty(proto, key, {
        configurable: true,
        enumerable: false,
        get() {
            const value = make(this);
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
            return value;
        },
        set(value) {
            Object.defineProperty(this, key, { value, configurable: true, writable: true });
        },
    });
}
const initializer = (inst, issues) => {
    errors/* $ZodError */.a$.init(inst, issues);
    inst.name = "ZodError";
    const proto = Object.getPrototypeOf(inst);
    if (_installedErrorProtos.has(proto))
        return;
    _installedErrorProtos.add(proto);
    _lazyMethod(proto, "format", (self) => (mapper) => errors/* formatError */.Wk(self, mapper));
    _lazyMethod(proto, "flatten", (self) => (mapper) => errors/* flattenError */.JM(self, mapper));
    _lazyMethod(proto, "addIssue", (self) => (issue) => {
        self.issues.push(issue);
        self.message = JSON.stringify(self.issues, core_util/* jsonStringifyReplacer */.k8, 2);
    });
    _lazyMethod(proto, "addIssues", (self) => (issues) => {
        self.issues.push(...issues);
        self.message = JSON.stringify(self.issues, core_util/* jsonStringifyReplacer */.k8, 2);
    });
    Object.defineProperty(proto, "isEmpty", {
        configurable: true,
        enumerable: false,
        get() {
            return this.issues.length === 0;
        },
    });
};
const ZodError = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodError", initializer)));
const ZodRealError = /*@__PURE__*/ core_core/* $constructor */.xI("ZodError", initializer, undefined, {
    Parent: Error,
});
// /** @deprecated Use `z.core.$ZodErrorMapCtx` instead. */
// export type ErrorMapCtx = core.$ZodErrorMapCtx;

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/parse.js


const classic_parse_parse = /* @__PURE__ */ _parse(ZodRealError);
const classic_parse_parseAsync = /* @__PURE__ */ _parseAsync(ZodRealError);
const parse_safeParse = /* @__PURE__ */ _safeParse(ZodRealError);
const parse_safeParseAsync = /* @__PURE__ */ _safeParseAsync(ZodRealError);

// Codec functions
const parse_encode = /* @__PURE__ */ _encode(ZodRealError);
const parse_decode = /* @__PURE__ */ _decode(ZodRealError);
const parse_encodeAsync = /* @__PURE__ */ _encodeAsync(ZodRealError);
const parse_decodeAsync = /* @__PURE__ */ _decodeAsync(ZodRealError);
const parse_safeEncode = /* @__PURE__ */ _safeEncode(ZodRealError);
const parse_safeDecode = /* @__PURE__ */ _safeDecode(ZodRealError);
const parse_safeEncodeAsync = /* @__PURE__ */ _safeEncodeAsync(ZodRealError);
const parse_safeDecodeAsync = /* @__PURE__ */ _safeDecodeAsync(ZodRealError);

;// CONCATENATED MODULE: ./node_modules/zod/v4/classic/schemas.js








// Register English as the default locale on first ZodType construction. Hooked into the `ZodType` `$constructor` (rather than a top-level `config(en())` in `external.ts`) so bundlers honoring `sideEffects: false` can't tree-shake it out — see #5953, #5725. An explicit `z.config(z.locales.xx())` call wins regardless of order, since this only sets the default when none is present.
function _ensureDefaultLocale() {
    if (!core_core/* globalConfig */.cr.localeError)
        core_core/* config */.$W(en());
}
// the default memoizer is read by the core container init, which runs before `ZodType.init`, so each container calls this first
function _ensureDefaultMemoizer() {
    if (!core_core/* globalConfig */.cr.memoizer)
        core_core/* config */.$W({ memoizer: memoizer() });
}
const ZodType = /*@__PURE__*/ core_core/* $constructor */.xI("ZodType", (inst, def) => {
    _ensureDefaultLocale();
    $ZodType.init(inst, def);
    inst.def = def;
    inst.type = def.type;
    return inst;
}, {
    check(...chks) {
        const def = this.def;
        return this.clone(core_util/* mergeDefs */.zM(def, {
            checks: [
                ...(def.checks ?? []),
                ...chks.map((ch) => typeof ch === "function" ? { _zod: { check: ch, def: { check: "custom" }, onattach: [] } } : ch),
            ],
        }), { parent: true });
    },
    with(...chks) {
        return this.check(...chks);
    },
    clone(def, params) {
        return core_util/* clone */.o8(this, def, params);
    },
    brand() {
        return this;
    },
    register(reg, meta) {
        reg.add(this, meta);
        return this;
    },
    refine(check, params) {
        return this.check(refine(check, params));
    },
    superRefine(refinement, params) {
        return this.check(superRefine(refinement, params));
    },
    overwrite(fn) {
        return this.check(_overwrite(fn));
    },
    optional() {
        return optional(this);
    },
    exactOptional() {
        return exactOptional(this);
    },
    nullable() {
        return nullable(this);
    },
    nullish() {
        return optional(nullable(this));
    },
    nonoptional(params) {
        return nonoptional(this, params);
    },
    array() {
        return array(this);
    },
    or(arg) {
        return union([this, arg]);
    },
    and(arg) {
        return intersection(this, arg);
    },
    transform(tx) {
        return pipe(this, transform(tx));
    },
    default(d) {
        return schemas_default(this, d);
    },
    prefault(d) {
        return prefault(this, d);
    },
    catch(params) {
        return schemas_catch(this, params);
    },
    pipe(target) {
        return pipe(this, target);
    },
    readonly() {
        return readonly(this);
    },
    describe(description) {
        const cl = this.clone();
        globalRegistry.add(cl, { description });
        return cl;
    },
    meta(...args) {
        // overloaded: meta() returns the registered metadata, meta(data) returns a clone with `data` registered. The mapped type picks up the second overload, so we accept variadic any-args and return `any` to satisfy both at runtime.
        if (args.length === 0)
            return globalRegistry.get(this);
        const cl = this.clone();
        globalRegistry.add(cl, args[0]);
        return cl;
    },
    isOptional() {
        return this.safeParse(undefined).success;
    },
    isNullable() {
        return this.safeParse(null).success;
    },
    apply(fn, ...args) {
        return args.length === 0 ? fn(this) : fn(this, ...args);
    },
    // Overrides core's `~standard` to add `jsonSchema`. Must stay a prototype entry: redefining it per instance demotes instances to dictionary mode.
    get "~standard"() {
        return core_util/* hide */.jD(this, "~standard", {
            ...standardProps(this),
            jsonSchema: {
                input: createStandardJSONSchemaMethod(this, "input"),
                output: createStandardJSONSchemaMethod(this, "output"),
            },
        });
    },
    set "~standard"(value) {
        core_util/* own */.qh(this, "~standard", value);
    },
    parse: function _parse(data, params) {
        return classic_parse_parse(this, data, params, { callee: _parse });
    },
    parseAsync: async function _parseAsync(data, params) {
        return await classic_parse_parseAsync(this, data, params, { callee: _parseAsync });
    },
    safeParse(data, params) {
        return parse_safeParse(this, data, params);
    },
    async safeParseAsync(data, params) {
        return parse_safeParseAsync(this, data, params);
    },
    // `spa` is an alias: same function object as `safeParseAsync`, as before.
    get spa() {
        return this?.safeParseAsync;
    },
    set spa(value) {
        core_util/* own */.qh(this, "spa", value);
    },
    validate(data, params) {
        return validate(this, data, params);
    },
    validateAsync(data, params) {
        return parse_validateAsync(this, data, params);
    },
    encode: function _encode(data, params) {
        return parse_encode(this, data, params, { callee: _encode });
    },
    decode: function _decode(data, params) {
        return parse_decode(this, data, params, { callee: _decode });
    },
    encodeAsync: async function _encodeAsync(data, params) {
        return await parse_encodeAsync(this, data, params, { callee: _encodeAsync });
    },
    decodeAsync: async function _decodeAsync(data, params) {
        return await parse_decodeAsync(this, data, params, { callee: _decodeAsync });
    },
    safeEncode(data, params) {
        return parse_safeEncode(this, data, params);
    },
    safeDecode(data, params) {
        return parse_safeDecode(this, data, params);
    },
    async safeEncodeAsync(data, params) {
        return parse_safeEncodeAsync(this, data, params);
    },
    async safeDecodeAsync(data, params) {
        return parse_safeDecodeAsync(this, data, params);
    },
    toJSONSchema(params) {
        return createToJSONSchemaMethod(this, {})(params);
    },
    // Reads through to the registry on every access, so it must not cache.
    get description() {
        return globalRegistry.get(this)?.description;
    },
    // No setter: `schema._def = x` throws, as it did when `_def` was a non-writable own property.
    get _def() {
        return this._zod.def;
    },
});
/** @internal */
const _ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("_ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => stringProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ core_util/* derived */.un({
    format: (inst) => aggregateChecks(inst).format ?? null,
    minLength: (inst) => aggregateChecks(inst).minimum ?? null,
    maxLength: (inst) => aggregateChecks(inst).maximum ?? null,
}, {
    regex(...args) {
        return this.check(_regex(...args));
    },
    includes(...args) {
        return this.check(_includes(...args));
    },
    startsWith(...args) {
        return this.check(_startsWith(...args));
    },
    endsWith(...args) {
        return this.check(_endsWith(...args));
    },
    min(...args) {
        return this.check(_minLength(...args));
    },
    max(...args) {
        return this.check(_maxLength(...args));
    },
    length(...args) {
        return this.check(_length(...args));
    },
    nonempty(...args) {
        return this.check(_minLength(1, ...args));
    },
    lowercase(params) {
        return this.check(_lowercase(params));
    },
    uppercase(params) {
        return this.check(_uppercase(params));
    },
    trim() {
        return this.check(_trim());
    },
    normalize(...args) {
        return this.check(_normalize(...args));
    },
    toLowerCase() {
        return this.check(_toLowerCase());
    },
    toUpperCase() {
        return this.check(_toUpperCase());
    },
    slugify() {
        return this.check(_slugify());
    },
}));
const ZodString = /*@__PURE__*/ core_core/* $constructor */.xI("ZodString", (inst, def) => {
    $ZodString.init(inst, def);
    _ZodString.init(inst, def);
}, {
    email(params) {
        return this.check(_email(ZodEmail, params));
    },
    url(params) {
        return this.check(_url(ZodURL, params));
    },
    jwt(params) {
        return this.check(_jwt(ZodJWT, params));
    },
    emoji(params) {
        return this.check(api_emoji(ZodEmoji, params));
    },
    guid(params) {
        return this.check(_guid(ZodGUID, params));
    },
    uuid(params) {
        return this.check(_uuid(ZodUUID, params));
    },
    uuidv4(params) {
        return this.check(_uuidv4(ZodUUID, params));
    },
    uuidv6(params) {
        return this.check(_uuidv6(ZodUUID, params));
    },
    uuidv7(params) {
        return this.check(_uuidv7(ZodUUID, params));
    },
    nanoid(params) {
        return this.check(_nanoid(ZodNanoID, params));
    },
    cuid(params) {
        return this.check(_cuid(ZodCUID, params));
    },
    cuid2(params) {
        return this.check(_cuid2(ZodCUID2, params));
    },
    ulid(params) {
        return this.check(_ulid(ZodULID, params));
    },
    base64(params) {
        return this.check(_base64(ZodBase64, params));
    },
    base64url(params) {
        return this.check(_base64url(ZodBase64URL, params));
    },
    xid(params) {
        return this.check(_xid(ZodXID, params));
    },
    ksuid(params) {
        return this.check(_ksuid(ZodKSUID, params));
    },
    ipv4(params) {
        return this.check(_ipv4(ZodIPv4, params));
    },
    ipv6(params) {
        return this.check(_ipv6(ZodIPv6, params));
    },
    cidrv4(params) {
        return this.check(_cidrv4(ZodCIDRv4, params));
    },
    cidrv6(params) {
        return this.check(_cidrv6(ZodCIDRv6, params));
    },
    e164(params) {
        return this.check(_e164(ZodE164, params));
    },
    datetime(params) {
        return this.check(_isoDateTime(ZodISODateTime, params));
    },
    date(params) {
        return this.check(_isoDate(ZodISODate, params));
    },
    time(params) {
        return this.check(_isoTime(ZodISOTime, params));
    },
    duration(params) {
        return this.check(_isoDuration(ZodISODuration, params));
    },
});
function schemas_string(params) {
    return _string(ZodString, params);
}
const ZodStringFormat = /*@__PURE__*/ core_core/* $constructor */.xI("ZodStringFormat", (inst, def) => {
    $ZodStringFormat.init(inst, def);
    _ZodString.init(inst, def);
});
const ZodISODateTime = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISODateTime", (inst, def) => {
    $ZodISODateTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODate = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISODate", (inst, def) => {
    $ZodISODate.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISOTime = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISOTime", (inst, def) => {
    $ZodISOTime.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodISODuration = /*@__PURE__*/ core_core/* $constructor */.xI("ZodISODuration", (inst, def) => {
    $ZodISODuration.init(inst, def);
    ZodStringFormat.init(inst, def);
});
const ZodEmail = /*@__PURE__*/ core_core/* $constructor */.xI("ZodEmail", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmail.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_email(params) {
    return core._email(ZodEmail, params);
}
const ZodGUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodGUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodGUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_guid(params) {
    return core._guid(ZodGUID, params);
}
const ZodUUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodUUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_uuid(params) {
    return core._uuid(ZodUUID, params);
}
function uuidv4(params) {
    return core._uuidv4(ZodUUID, params);
}
// ZodUUIDv6
function uuidv6(params) {
    return core._uuidv6(ZodUUID, params);
}
// ZodUUIDv7
function uuidv7(params) {
    return core._uuidv7(ZodUUID, params);
}
const ZodURL = /*@__PURE__*/ core_core/* $constructor */.xI("ZodURL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodURL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function url(params) {
    return core._url(ZodURL, params);
}
function httpUrl(params) {
    return core._url(ZodURL, {
        protocol: regexes.httpProtocol,
        hostname: regexes.domain,
        ...util.normalizeParams(params),
    });
}
const ZodEmoji = /*@__PURE__*/ core_core/* $constructor */.xI("ZodEmoji", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodEmoji.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_emoji(params) {
    return core._emoji(ZodEmoji, params);
}
const ZodNanoID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNanoID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodNanoID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_nanoid(params) {
    return core._nanoid(ZodNanoID, params);
}
/**
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link ZodCUID2} instead.
 * See https://github.com/paralleldrive/cuid.
 */
const ZodCUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
/**
 * Validates a CUID v1 string.
 *
 * @deprecated CUID v1 is deprecated by its authors due to information leakage
 * (timestamps embedded in the id). Use {@link cuid2 | `z.cuid2()`} instead.
 * See https://github.com/paralleldrive/cuid.
 */
function schemas_cuid(params) {
    return core._cuid(ZodCUID, params);
}
const ZodCUID2 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCUID2", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodCUID2.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cuid2(params) {
    return core._cuid2(ZodCUID2, params);
}
const ZodULID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodULID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodULID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ulid(params) {
    return core._ulid(ZodULID, params);
}
const ZodXID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodXID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodXID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_xid(params) {
    return core._xid(ZodXID, params);
}
const ZodKSUID = /*@__PURE__*/ core_core/* $constructor */.xI("ZodKSUID", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodKSUID.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ksuid(params) {
    return core._ksuid(ZodKSUID, params);
}
const ZodIPv4 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIPv4", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv4(params) {
    return core._ipv4(ZodIPv4, params);
}
const ZodMAC = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMAC", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodMAC.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_mac(params) {
    return core._mac(ZodMAC, params);
}
const ZodIPv6 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIPv6", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodIPv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_ipv6(params) {
    return core._ipv6(ZodIPv6, params);
}
const ZodCIDRv4 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCIDRv4", (inst, def) => {
    $ZodCIDRv4.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv4(params) {
    return core._cidrv4(ZodCIDRv4, params);
}
const ZodCIDRv6 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCIDRv6", (inst, def) => {
    $ZodCIDRv6.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_cidrv6(params) {
    return core._cidrv6(ZodCIDRv6, params);
}
const ZodBase64 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBase64", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64(params) {
    return core._base64(ZodBase64, params);
}
const ZodBase64URL = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBase64URL", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodBase64URL.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_base64url(params) {
    return core._base64url(ZodBase64URL, params);
}
const ZodE164 = /*@__PURE__*/ core_core/* $constructor */.xI("ZodE164", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodE164.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function schemas_e164(params) {
    return core._e164(ZodE164, params);
}
const ZodCreditCard = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCreditCard", (inst, def) => {
    core.$ZodCreditCard.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_creditCard(params) {
    return core._creditCard(ZodCreditCard, params);
}
const ZodIBAN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodIBAN", (inst, def) => {
    core.$ZodIBAN.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function schemas_iban(params) {
    return core._iban(ZodIBAN, params);
}
const ZodJWT = /*@__PURE__*/ core_core/* $constructor */.xI("ZodJWT", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    $ZodJWT.init(inst, def);
    ZodStringFormat.init(inst, def);
});
function jwt(params) {
    return core._jwt(ZodJWT, params);
}
const ZodCustomStringFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCustomStringFormat", (inst, def) => {
    // ZodStringFormat.init(inst, def);
    core.$ZodCustomStringFormat.init(inst, def);
    ZodStringFormat.init(inst, def);
})));
function stringFormat(format, fnOrRegex, _params = {}) {
    return core._stringFormat(ZodCustomStringFormat, format, fnOrRegex, _params);
}
function schemas_hostname(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hostname", regexes.hostname, _params);
}
function schemas_hex(_params) {
    return core._stringFormat(ZodCustomStringFormat, "hex", regexes.hex, _params);
}
function schemas_currencyCode(_params) {
    return core._stringFormat(ZodCustomStringFormat, "currency_code", regexes.currencyCode, _params);
}
function hash(alg, params) {
    const enc = params?.enc ?? "hex";
    const format = `${alg}_${enc}`;
    const regex = core.regexes[format];
    if (!regex)
        throw new Error(`Unrecognized hash format: ${format}`);
    return core._stringFormat(ZodCustomStringFormat, format, regex, params);
}
const ZodNumber = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNumber", (inst, def) => {
    $ZodNumber.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => numberProcessor(inst, ctx, json, params);
    inst.isFinite = true;
}, 
/*@__PURE__*/ core_util/* derived */.un({
    minValue: (inst) => {
        const { minimum, exclusiveMinimum } = aggregateChecks(inst);
        return Math.max(minimum ?? Number.NEGATIVE_INFINITY, exclusiveMinimum ?? Number.NEGATIVE_INFINITY);
    },
    maxValue: (inst) => {
        const { maximum, exclusiveMaximum } = aggregateChecks(inst);
        return Math.min(maximum ?? Number.POSITIVE_INFINITY, exclusiveMaximum ?? Number.POSITIVE_INFINITY);
    },
    isInt: (inst) => {
        const { isInt, multipleOf } = aggregateChecks(inst);
        return !!isInt || !!multipleOf?.some(Number.isSafeInteger);
    },
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    int(params) {
        return this.check(schemas_int(params));
    },
    safe(params) {
        return this.check(schemas_int(params));
    },
    positive(params) {
        return this.check(_gt(0, params));
    },
    nonnegative(params) {
        return this.check(_gte(0, params));
    },
    negative(params) {
        return this.check(_lt(0, params));
    },
    nonpositive(params) {
        return this.check(_lte(0, params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
    step(value, params) {
        return this.check(_multipleOf(value, params));
    },
    finite() {
        return this;
    },
}));
function schemas_number(params) {
    return _number(ZodNumber, params);
}
const ZodNumberFormat = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNumberFormat", (inst, def) => {
    $ZodNumberFormat.init(inst, def);
    ZodNumber.init(inst, def);
});
function schemas_int(params) {
    return _int(ZodNumberFormat, params);
}
function float32(params) {
    return core._float32(ZodNumberFormat, params);
}
function float64(params) {
    return core._float64(ZodNumberFormat, params);
}
function int32(params) {
    return core._int32(ZodNumberFormat, params);
}
function uint32(params) {
    return core._uint32(ZodNumberFormat, params);
}
const ZodBoolean = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBoolean", (inst, def) => {
    $ZodBoolean.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => booleanProcessor(inst, ctx, json, params);
});
function schemas_boolean(params) {
    return _boolean(ZodBoolean, params);
}
const ZodBigInt = /*@__PURE__*/ core_core/* $constructor */.xI("ZodBigInt", (inst, def) => {
    $ZodBigInt.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => bigintProcessor(inst, ctx, json, params);
}, 
/*@__PURE__*/ core_util/* derived */.un({
    minValue: (inst) => aggregateChecks(inst).minimum ?? null,
    maxValue: (inst) => aggregateChecks(inst).maximum ?? null,
    format: (inst) => aggregateChecks(inst).format ?? null,
}, {
    gte(value, params) {
        return this.check(_gte(value, params));
    },
    min(value, params) {
        return this.check(_gte(value, params));
    },
    gt(value, params) {
        return this.check(_gt(value, params));
    },
    lt(value, params) {
        return this.check(_lt(value, params));
    },
    lte(value, params) {
        return this.check(_lte(value, params));
    },
    max(value, params) {
        return this.check(_lte(value, params));
    },
    positive(params) {
        return this.check(_gt(BigInt(0), params));
    },
    negative(params) {
        return this.check(_lt(BigInt(0), params));
    },
    nonpositive(params) {
        return this.check(_lte(BigInt(0), params));
    },
    nonnegative(params) {
        return this.check(_gte(BigInt(0), params));
    },
    multipleOf(value, params) {
        return this.check(_multipleOf(value, params));
    },
}));
function schemas_bigint(params) {
    return core._bigint(ZodBigInt, params);
}
const ZodBigIntFormat = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodBigIntFormat", (inst, def) => {
    core.$ZodBigIntFormat.init(inst, def);
    ZodBigInt.init(inst, def);
})));
function int64(params) {
    return core._int64(ZodBigIntFormat, params);
}
function uint64(params) {
    return core._uint64(ZodBigIntFormat, params);
}
const ZodSymbol = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSymbol", (inst, def) => {
    core.$ZodSymbol.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.symbolProcessor(inst, ctx, json, params);
})));
function symbol(params) {
    return core._symbol(ZodSymbol, params);
}
const ZodUndefined = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodUndefined", (inst, def) => {
    core.$ZodUndefined.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.undefinedProcessor(inst, ctx, json, params);
})));
function schemas_undefined(params) {
    return core._undefined(ZodUndefined, params);
}

const ZodNull = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNull", (inst, def) => {
    core.$ZodNull.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nullProcessor(inst, ctx, json, params);
})));
function schemas_null(params) {
    return core._null(ZodNull, params);
}

const ZodAny = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodAny", (inst, def) => {
    core.$ZodAny.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.anyProcessor(inst, ctx, json, params);
})));
function any() {
    return core._any(ZodAny);
}
const ZodUnknown = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUnknown", (inst, def) => {
    $ZodUnknown.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unknownProcessor(inst, ctx, json, params);
});
function unknown() {
    return _unknown(ZodUnknown);
}
const ZodNever = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNever", (inst, def) => {
    $ZodNever.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => neverProcessor(inst, ctx, json, params);
});
function never(params) {
    return _never(ZodNever, params);
}
const ZodVoid = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodVoid", (inst, def) => {
    core.$ZodVoid.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.voidProcessor(inst, ctx, json, params);
})));
function schemas_void(params) {
    return core._void(ZodVoid, params);
}

const ZodDate = /*@__PURE__*/ core_core/* $constructor */.xI("ZodDate", (inst, def) => {
    $ZodDate.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => dateProcessor(inst, ctx, json, params);
    inst.min = (value, params) => inst.check(_gte(value, params));
    inst.max = (value, params) => inst.check(_lte(value, params));
}, 
/*@__PURE__*/ core_util/* derived */.un({
    minDate: (inst) => {
        const { minimum } = aggregateChecks(inst);
        return minimum ? new Date(minimum) : null;
    },
    maxDate: (inst) => {
        const { maximum } = aggregateChecks(inst);
        return maximum ? new Date(maximum) : null;
    },
}, {}));
function schemas_date(params) {
    return core._date(ZodDate, params);
}
const ZodArray = /*@__PURE__*/ core_core/* $constructor */.xI("ZodArray", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodArray.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => arrayProcessor(inst, ctx, json, params);
    inst.element = def.element;
}, {
    min(n, params) {
        return this.check(_minLength(n, params));
    },
    nonempty(params) {
        return this.check(_minLength(1, params));
    },
    max(n, params) {
        return this.check(_maxLength(n, params));
    },
    length(n, params) {
        return this.check(_length(n, params));
    },
    unwrap() {
        return this.element;
    },
});
function array(element, params) {
    return _array(ZodArray, element, params);
}
// .keyof
function keyof(schema) {
    const shape = schema._zod.def.shape;
    return schemas_enum(Object.keys(shape));
}
const ZodObject = /*@__PURE__*/ core_core/* $constructor */.xI("ZodObject", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodObjectJIT.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => objectProcessor(inst, ctx, json, params);
    core_util/* installLazyProp */.X(inst, "shape", (self) => self._zod.def.shape, false);
}, {
    keyof() {
        return schemas_enum(Object.keys(this._zod.def.shape));
    },
    catchall(catchall) {
        // `mergeDefs` rather than a spread: spreading reads `shape`, and resolving it can mint a whole fresh subtree
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: catchall }));
    },
    passthrough() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: unknown() }));
    },
    loose() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: unknown() }));
    },
    strict() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: never() }));
    },
    strip() {
        return this.clone(core_util/* mergeDefs */.zM(this._zod.def, { catchall: undefined }));
    },
    extend(incoming) {
        return core_util/* extend */.X$(this, incoming);
    },
    safeExtend(incoming) {
        return core_util/* safeExtend */.W0(this, incoming);
    },
    merge(other) {
        return core_util/* merge */.h1(this, other);
    },
    pick(mask) {
        return core_util/* pick */.Up(this, mask);
    },
    omit(mask) {
        return core_util/* omit */.cJ(this, mask);
    },
    partial(...args) {
        return core_util/* partial */.OH(ZodOptional, this, args[0]);
    },
    exactPartial(...args) {
        return core_util/* partial */.OH(ZodExactOptional, this, args[0], "exactPartial");
    },
    required(...args) {
        return core_util/* required */.mw(ZodNonOptional, this, args[0]);
    },
});
function object(shape, params) {
    const def = {
        type: "object",
        shape: shape ?? {},
        ...core_util/* normalizeParams */.A2(params),
    };
    return new ZodObject(def);
}
// strictObject
function strictObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: never(),
        ...util.normalizeParams(params),
    });
}
// looseObject
function looseObject(shape, params) {
    return new ZodObject({
        type: "object",
        shape,
        catchall: unknown(),
        ...util.normalizeParams(params),
    });
}
const ZodUnion = /*@__PURE__*/ core_core/* $constructor */.xI("ZodUnion", (inst, def) => {
    $ZodUnion.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
});
function union(options, params) {
    return new ZodUnion({
        type: "union",
        options: options,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodXor = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodXor", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodXor.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.unionProcessor(inst, ctx, json, params);
    inst.options = def.options;
})));
/** Creates an exclusive union (XOR) where exactly one option must match.
 * Unlike regular unions that succeed when any option matches, xor fails if
 * zero or more than one option matches the input. */
function xor(options, params) {
    return new ZodXor({
        type: "union",
        options: options,
        inclusive: false,
        ...util.normalizeParams(params),
    });
}
const ZodDiscriminatedUnion = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodDiscriminatedUnion", (inst, def) => {
    ZodUnion.init(inst, def);
    core.$ZodDiscriminatedUnion.init(inst, def);
})));
function discriminatedUnion(discriminator, options, params) {
    // const [options, params] = args;
    return new ZodDiscriminatedUnion({
        type: "union",
        options: options,
        discriminator,
        ...util.normalizeParams(params),
    });
}
const ZodIntersection = /*@__PURE__*/ core_core/* $constructor */.xI("ZodIntersection", (inst, def) => {
    $ZodIntersection.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => intersectionProcessor(inst, ctx, json, params);
});
function intersection(left, right) {
    return new ZodIntersection({
        type: "intersection",
        left: left,
        right: right,
    });
}
const ZodTuple = /*@__PURE__*/ core_core/* $constructor */.xI("ZodTuple", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTuple.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => tupleProcessor(inst, ctx, json, params);
}, {
    rest(rest) {
        return this.clone({
            ...this._zod.def,
            rest: rest,
        });
    },
    partial() {
        const def = this._zod.def;
        // a refinement was authored against the full arity; partialing would run it on a shorter array
        if (def.checks?.length)
            throw new Error(".partial() cannot be used on tuple schemas containing refinements");
        return this.clone({
            ...def,
            items: def.items.map((item) => new ZodOptional({ type: "optional", innerType: item })),
        });
    },
});
function tuple(items, _paramsOrRest, _params) {
    const hasRest = _paramsOrRest instanceof $ZodType;
    const params = hasRest ? _params : _paramsOrRest;
    const rest = hasRest ? _paramsOrRest : null;
    return new ZodTuple({
        type: "tuple",
        items: items,
        rest,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodRecord = /*@__PURE__*/ core_core/* $constructor */.xI("ZodRecord", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodRecord.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => recordProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
});
function record(keyType, valueType, params) {
    // v3-compat: z.record(valueType, params?) — defaults keyType to z.string()
    if (!valueType || !valueType._zod) {
        return new ZodRecord({
            type: "record",
            keyType: schemas_string(),
            valueType: keyType,
            ...core_util/* normalizeParams */.A2(valueType),
        });
    }
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...core_util/* normalizeParams */.A2(params),
    });
}
// type alksjf = core.output<core.$ZodRecordKey>;
function partialRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
        partial: true,
    });
}
function looseRecord(keyType, valueType, params) {
    return new ZodRecord({
        type: "record",
        keyType,
        valueType: valueType,
        mode: "loose",
        ...util.normalizeParams(params),
    });
}
const ZodMap = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodMap", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodMap.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.mapProcessor(inst, ctx, json, params);
    inst.keyType = def.keyType;
    inst.valueType = def.valueType;
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function map(keyType, valueType, params) {
    return new ZodMap({
        type: "map",
        keyType: keyType,
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodSet = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSet", (inst, def) => {
    _ensureDefaultMemoizer();
    core.$ZodSet.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.setProcessor(inst, ctx, json, params);
    inst.min = (...args) => inst.check(core._minSize(...args));
    inst.nonempty = (params) => inst.check(core._minSize(1, params));
    inst.max = (...args) => inst.check(core._maxSize(...args));
    inst.size = (...args) => inst.check(core._size(...args));
})));
function set(valueType, params) {
    return new ZodSet({
        type: "set",
        valueType: valueType,
        ...util.normalizeParams(params),
    });
}
const ZodEnum = /*@__PURE__*/ core_core/* $constructor */.xI("ZodEnum", (inst, def) => {
    $ZodEnum.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => enumProcessor(inst, ctx, json, params);
    inst.enum = def.entries;
    // reuse the parsed value set so a numeric TS enum's reverse-mapping keys stay out
    inst.options = [...inst._zod.values];
    const keys = new Set(Object.keys(def.entries));
    inst.extract = (values, params) => {
        const newEntries = {};
        for (const value of values) {
            if (keys.has(value)) {
                newEntries[value] = def.entries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...core_util/* normalizeParams */.A2(params),
            entries: newEntries,
        });
    };
    inst.exclude = (values, params) => {
        const newEntries = { ...def.entries };
        for (const value of values) {
            if (keys.has(value)) {
                delete newEntries[value];
            }
            else
                throw new Error(`Key ${value} not found in enum`);
        }
        return new ZodEnum({
            ...def,
            checks: [],
            ...core_util/* normalizeParams */.A2(params),
            entries: newEntries,
        });
    };
});
function schemas_enum(values, params) {
    const entries = Array.isArray(values) ? Object.fromEntries(values.map((v) => [v, v])) : values;
    return new ZodEnum({
        type: "enum",
        entries,
        ...core_util/* normalizeParams */.A2(params),
    });
}

/** @deprecated This API has been merged into `z.enum()`. Use `z.enum()` instead.
 *
 * ```ts
 * enum Colors { red, green, blue }
 * z.enum(Colors);
 * ```
 */
function nativeEnum(entries, params) {
    return new ZodEnum({
        type: "enum",
        entries,
        ...util.normalizeParams(params),
    });
}
const ZodLiteral = /*@__PURE__*/ core_core/* $constructor */.xI("ZodLiteral", (inst, def) => {
    $ZodLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => literalProcessor(inst, ctx, json, params);
    inst.values = new Set(def.values);
    Object.defineProperty(inst, "value", {
        get() {
            if (def.values.length > 1) {
                throw new Error("This schema contains multiple valid literal values. Use `.values` instead.");
            }
            return def.values[0];
        },
    });
});
function literal(value, params) {
    return new ZodLiteral({
        type: "literal",
        values: Array.isArray(value) ? value : [value],
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodFile = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFile", (inst, def) => {
    core.$ZodFile.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.fileProcessor(inst, ctx, json, params);
    inst.min = (size, params) => inst.check(core._minSize(size, params));
    inst.max = (size, params) => inst.check(core._maxSize(size, params));
    inst.mime = (types, params) => inst.check(core._mime(Array.isArray(types) ? types : [types], params));
})));
function file(params) {
    return core._file(ZodFile, params);
}
const ZodTransform = /*@__PURE__*/ core_core/* $constructor */.xI("ZodTransform", (inst, def) => {
    _ensureDefaultMemoizer();
    $ZodTransform.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => transformProcessor(inst, ctx, json, params);
    inst._zod.parse = (payload, _ctx) => {
        if (_ctx.direction === "backward") {
            throw new core_core/* $ZodEncodeError */.cV(inst.constructor.name);
        }
        payload.addIssue = (issue) => {
            if (typeof issue === "string") {
                payload.issues.push(core_util/* issue */.sn(issue, payload.value, def));
            }
            else {
                // for Zod 3 backwards compatibility
                const _issue = issue;
                if (_issue.fatal)
                    _issue.continue = false;
                _issue.code ?? (_issue.code = "custom");
                if (!("input" in _issue))
                    _issue.input = payload.value;
                _issue.inst ?? (_issue.inst = inst);
                // _issue.continue ??= true;
                payload.issues.push(core_util/* issue */.sn(_issue));
            }
        };
        const output = def.transform(payload.value, payload);
        if (output instanceof Promise) {
            return output.then((output) => {
                payload.value = output;
                return payload;
            });
        }
        payload.value = output;
        return payload;
    };
});
function transform(fn) {
    return new ZodTransform({
        type: "transform",
        transform: fn,
    });
}
const ZodOptional = /*@__PURE__*/ core_core/* $constructor */.xI("ZodOptional", (inst, def) => {
    $ZodOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function optional(innerType) {
    return new ZodOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodExactOptional = /*@__PURE__*/ core_core/* $constructor */.xI("ZodExactOptional", (inst, def) => {
    $ZodExactOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => optionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function exactOptional(innerType) {
    return new ZodExactOptional({
        type: "optional",
        innerType: innerType,
    });
}
const ZodNullable = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNullable", (inst, def) => {
    $ZodNullable.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nullableProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nullable(innerType) {
    return new ZodNullable({
        type: "nullable",
        innerType: innerType,
    });
}
// nullish
function nullish(innerType) {
    return optional(nullable(innerType));
}
const ZodDefault = /*@__PURE__*/ core_core/* $constructor */.xI("ZodDefault", (inst, def) => {
    $ZodDefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => defaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeDefault = inst.unwrap;
});
function schemas_default(innerType, defaultValue) {
    return new ZodDefault({
        type: "default",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : core_util/* shallowClone */.yG(defaultValue);
        },
    });
}
const ZodPrefault = /*@__PURE__*/ core_core/* $constructor */.xI("ZodPrefault", (inst, def) => {
    $ZodPrefault.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => prefaultProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function prefault(innerType, defaultValue) {
    return new ZodPrefault({
        type: "prefault",
        innerType: innerType,
        get defaultValue() {
            return typeof defaultValue === "function" ? defaultValue() : core_util/* shallowClone */.yG(defaultValue);
        },
    });
}
const ZodNonOptional = /*@__PURE__*/ core_core/* $constructor */.xI("ZodNonOptional", (inst, def) => {
    $ZodNonOptional.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => nonoptionalProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function nonoptional(innerType, params) {
    return new ZodNonOptional({
        type: "nonoptional",
        innerType: innerType,
        ...core_util/* normalizeParams */.A2(params),
    });
}
const ZodSuccess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodSuccess", (inst, def) => {
    core.$ZodSuccess.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.successProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function success(innerType) {
    return new ZodSuccess({
        type: "success",
        innerType: innerType,
    });
}
const ZodCatch = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCatch", (inst, def) => {
    $ZodCatch.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => catchProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
    inst.removeCatch = inst.unwrap;
});
function schemas_catch(innerType, catchValue) {
    return new ZodCatch({
        type: "catch",
        innerType: innerType,
        catchValue: (typeof catchValue === "function" ? catchValue : core_util/* constantCatch */.SS(catchValue)),
    });
}

const ZodNaN = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodNaN", (inst, def) => {
    core.$ZodNaN.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.nanProcessor(inst, ctx, json, params);
})));
function nan(params) {
    return core._nan(ZodNaN, params);
}
const ZodPipe = /*@__PURE__*/ core_core/* $constructor */.xI("ZodPipe", (inst, def) => {
    $ZodPipe.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => pipeProcessor(inst, ctx, json, params);
    inst.in = def.in;
    inst.out = def.out;
});
function pipe(in_, out) {
    return new ZodPipe({
        type: "pipe",
        in: in_,
        out: out,
        // ...util.normalizeParams(params),
    });
}
const ZodCodec = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodCodec", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodCodec.init(inst, def);
})));
function codec(in_, out, params) {
    return new ZodCodec({
        type: "pipe",
        in: in_,
        out: out,
        transform: params.decode,
        reverseTransform: params.encode,
    });
}
function invertCodec(codec) {
    const def = codec._zod.def;
    return new ZodCodec({
        type: "pipe",
        in: def.out,
        out: def.in,
        transform: def.reverseTransform,
        reverseTransform: def.transform,
    });
}
const ZodPreprocess = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPreprocess", (inst, def) => {
    ZodPipe.init(inst, def);
    core.$ZodPreprocess.init(inst, def);
})));
const ZodReadonly = /*@__PURE__*/ core_core/* $constructor */.xI("ZodReadonly", (inst, def) => {
    $ZodReadonly.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => readonlyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
});
function readonly(innerType) {
    return new ZodReadonly({
        type: "readonly",
        innerType: innerType,
    });
}
const ZodTemplateLiteral = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodTemplateLiteral", (inst, def) => {
    core.$ZodTemplateLiteral.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.templateLiteralProcessor(inst, ctx, json, params);
})));
function templateLiteral(parts, params) {
    return new ZodTemplateLiteral({
        type: "template_literal",
        parts,
        ...util.normalizeParams(params),
    });
}
const ZodLazy = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodLazy", (inst, def) => {
    core.$ZodLazy.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.lazyProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.getter();
})));
function lazy(getter) {
    return new ZodLazy({
        type: "lazy",
        getter: getter,
    });
}
const ZodPromise = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodPromise", (inst, def) => {
    core.$ZodPromise.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.promiseProcessor(inst, ctx, json, params);
    inst.unwrap = () => inst._zod.def.innerType;
})));
function promise(innerType) {
    return new ZodPromise({
        type: "promise",
        innerType: innerType,
    });
}
const ZodFunction = /*@__PURE__*/ (/* unused pure expression or super */ null && (core.$constructor("ZodFunction", (inst, def) => {
    core.$ZodFunction.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => processors.functionProcessor(inst, ctx, json, params);
})));
function _function(params) {
    return new ZodFunction({
        type: "function",
        input: Array.isArray(params?.input) ? tuple(params?.input) : (params?.input ?? array(unknown())),
        output: params?.output ?? unknown(),
    });
}

const ZodCustom = /*@__PURE__*/ core_core/* $constructor */.xI("ZodCustom", (inst, def) => {
    $ZodCustom.init(inst, def);
    ZodType.init(inst, def);
    inst._zod.processJSONSchema = (ctx, json, params) => customProcessor(inst, ctx, json, params);
});
// custom checks
function check(fn) {
    const ch = new core.$ZodCheck({
        check: "custom",
        // ...util.normalizeParams(params),
    });
    ch._zod.check = fn;
    return ch;
}
function custom(fn, _params) {
    return core._custom(ZodCustom, fn ?? (() => true), _params);
}
function refine(fn, _params = {}) {
    return _refine(ZodCustom, fn, _params);
}
// superRefine
function superRefine(fn, params) {
    return _superRefine(fn, params);
}
// Re-export describe and meta from core
const schemas_describe = describe;
const schemas_meta = meta;
const ZodInstanceOf = /*@__PURE__*/ core_core/* $constructor */.xI("ZodInstanceOf", (inst, def) => {
    ZodCustom.init(inst, def);
}, {
    properties(shape, params) {
        // asserts in place, so the narrowed output type is truthful without a wrapper
        return this.check(_properties(shape, params));
    },
});
function _instanceof(cls, params = {}) {
    const inst = new ZodInstanceOf({
        type: "custom",
        check: "custom",
        fn: (data) => data instanceof cls,
        abort: true,
        ...util.normalizeParams(params),
    });
    inst._zod.bag.Class = cls;
    // Override check to emit invalid_type instead of custom
    inst._zod.check = (payload) => {
        if (!(payload.value instanceof cls)) {
            payload.issues.push({
                code: "invalid_type",
                expected: cls.name,
                input: payload.value,
                inst,
                path: [...(inst._zod.def.path ?? [])],
            });
        }
    };
    return inst;
}

// stringbool
const stringbool = (...args) => core._stringbool({
    Codec: ZodCodec,
    Boolean: ZodBoolean,
    String: ZodString,
}, ...args);
function json(params) {
    const jsonSchema = lazy(() => {
        return union([schemas_string(params), schemas_number(), schemas_boolean(), schemas_null(), array(jsonSchema), record(schemas_string(), jsonSchema)]);
    });
    return jsonSchema;
}
// preprocess
function preprocess(fn, schema) {
    return new ZodPreprocess({
        type: "pipe",
        in: transform(fn),
        out: schema,
    });
}


/***/ }),

/***/ 88532:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   $W: () => (/* binding */ config),
/* harmony export */   GT: () => (/* binding */ $ZodAsyncError),
/* harmony export */   cV: () => (/* binding */ $ZodEncodeError),
/* harmony export */   cr: () => (/* binding */ globalConfig),
/* harmony export */   tm: () => (/* binding */ NEVER),
/* harmony export */   xI: () => (/* binding */ $constructor)
/* harmony export */ });
/* unused harmony export $brand */
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(54723);
var _a;

/** A special constant with type `never` */
const NEVER = /*@__PURE__*/ Object.freeze({
    status: "aborted",
});
/* Shared descriptor for installing `_zod`; defineProperty reads it
 * synchronously, so reusing one object avoids a per-instance allocation. */
const _zodDesc = { value: undefined, enumerable: false };
// null where suppressing the capture would be unrecoverable: `parse()` puts the frames back with `captureStackTrace`, so without it the throw would lose its stack. also latched to null once `stackTraceLimit` proves unassignable, which a realm can do at any point by hardening Error
let _E = "captureStackTrace" in Error ? Error : null;
// v8 captures a stack trace inside the Error constructor, which dominates a failed parse; costs only the frames, and parse() restores those. the constructor must RUN: Object.create is cheaper and passes instanceof, but Error.isError and util.types.isNativeError check an internal slot
function newError(Definition) {
    const E = _E;
    if (E) {
        const saved = E.stackTraceLimit;
        if (typeof saved === "number") {
            try {
                E.stackTraceLimit = 0;
            }
            catch {
                _E = null;
                return new Definition();
            }
            try {
                return new Definition();
            }
            finally {
                E.stackTraceLimit = saved;
            }
        }
    }
    return new Definition();
}
function $constructor(name, initializer, 
/** This trait's members, installed once on every prototype that composes it. They cannot be declared in the initializer above: that runs per instance, and the prototype is shared. */
proto, params) {
    // Prototype for this constructor's `_zod` internals. Lazily-derived fields (`values`, `pattern`, `optin`, …) install here once rather than as an accessor on every instance.
    const zodProto = {};
    // Assigning the fields in the constructor body is what gives instances in-object slots; building the object literally and reparenting it costs a second allocation and a generic property copy.
    function Internals(def) {
        this.def = def;
        this.constr = _;
        this.traits = new Set();
    }
    Internals.prototype = zodProto;
    const protoMembers = proto;
    // One trait's members land on every prototype whose chain composes it, so the answer is per prototype rather than per trait.
    const initialized = protoMembers && new WeakSet();
    function init(inst, def) {
        if (!inst._zod) {
            _zodDesc.value = new Internals(def);
            try {
                Object.defineProperty(inst, "_zod", _zodDesc);
            }
            finally {
                // Cleared even on throw, so the shared descriptor never leaks one instance's internals into the next.
                _zodDesc.value = undefined;
            }
        }
        else if (inst._zod.traits.has(name)) {
            return;
        }
        inst._zod.traits.add(name);
        initializer(inst, def);
        if (initialized) {
            // `super(def)` from a user subclass gives `this` a prototype the subclass owns, and installing there would overwrite whatever the subclass declared. `constr` built the instance, so its prototype is the one below the subclass's that should carry the members. A receiver whose chain never reaches that prototype installs on its own, which for a plain object handed straight to `init` means `Object.prototype` — unchanged from before.
            const own = Object.getPrototypeOf(inst);
            const ctorProto = inst._zod.constr.prototype;
            let up = own;
            while (up && up !== ctorProto)
                up = Object.getPrototypeOf(up);
            const target = up ?? own;
            if (!initialized.has(target)) {
                initialized.add(target);
                (0,_util_js__WEBPACK_IMPORTED_MODULE_0__/* .members */ .ol)(target, protoMembers);
            }
        }
        // support prototype modifications; for-in avoids the array allocation of Object.keys on the (usually empty) prototype
        const proto = _.prototype;
        for (const k in proto) {
            if (!Object.prototype.hasOwnProperty.call(proto, k))
                continue;
            if (!(k in inst)) {
                inst[k] = proto[k].bind(inst);
            }
        }
    }
    // doesn't work if Parent has a constructor with arguments
    const Parent = params?.Parent ?? Object;
    class Definition extends Parent {
    }
    Object.defineProperty(Definition, "name", { value: name });
    function _(def) {
        const inst = params?.Parent ? newError(Definition) : this;
        init(inst, def);
        const deferred = inst._zod.deferred;
        if (deferred) {
            for (const fn of deferred) {
                fn();
            }
            // Released: initializers run once, and the list would otherwise be retained for the schema's lifetime.
            inst._zod.deferred = undefined;
        }
        // Global post-processor hook. Internal: installed by `import "zod/compile"` to enable AOT compilation for every constructed schema. Runs last, once the instance is fully built, because it hands the instance to compile(). The post-processor is expected to be reentrancy-guarded by its own implementation.
        const pp = globalThis.__zod_globalConfig?.postProcessor;
        if (pp)
            pp(inst);
        return inst;
    }
    Object.defineProperty(_, "init", { value: init });
    Object.defineProperty(_, Symbol.hasInstance, {
        value: (inst) => {
            if (params?.Parent && inst instanceof params.Parent)
                return true;
            return inst?._zod?.traits?.has(name);
        },
    });
    Object.defineProperty(_, "name", { value: name });
    return _;
}
//////////////////////////////   UTILITIES   ///////////////////////////////////////
const $brand = /*@__PURE__*/ (/* unused pure expression or super */ null && (Symbol("zod_brand")));
class $ZodAsyncError extends Error {
    constructor() {
        super(`Encountered Promise during synchronous parse. Use .parseAsync() instead.`);
    }
}
class $ZodEncodeError extends Error {
    constructor(name) {
        super(`Encountered unidirectional transform during encode: ${name}`);
        this.name = "ZodEncodeError";
    }
}
(_a = globalThis).__zod_globalConfig ?? (_a.__zod_globalConfig = {});
const globalConfig = globalThis.__zod_globalConfig;
function config(newConfig) {
    if (newConfig)
        Object.assign(globalConfig, newConfig);
    return globalConfig;
}


/***/ }),

/***/ 37428:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   JM: () => (/* binding */ flattenError),
/* harmony export */   Kd: () => (/* binding */ $ZodRealError),
/* harmony export */   S1: () => (/* binding */ prettifyError),
/* harmony export */   Wk: () => (/* binding */ formatError),
/* harmony export */   a$: () => (/* binding */ $ZodError)
/* harmony export */ });
/* unused harmony exports treeifyError, toDotPath */
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_1__ = __nccwpck_require__(88532);
/* harmony import */ var _util_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(54723);


/* Computing the message eagerly is expensive (pretty-printed JSON of all
 * issues), so defer it until first read. The accessor functions and
 * descriptors are shared across instances to keep error construction
 * cheap; the computed message is cached on the internals object. The
 * setter preserves plain assignment semantics for consumers that
 * overwrite `message`. */
function _getMessage() {
    const internals = this._zod;
    internals.message ?? (internals.message = JSON.stringify(internals.def, _util_js__WEBPACK_IMPORTED_MODULE_0__/* .jsonStringifyReplacer */ .k8, 2));
    return internals.message;
}
function _setMessage(value) {
    this._zod.message = value;
}
const _messageDesc = {
    get: _getMessage,
    set: _setMessage,
    enumerable: true,
    configurable: true,
};
const _issuesDesc = { value: undefined, enumerable: false };
/* Prototypes that already carry the lazy `toString`. Seeded with the
 * intrinsics so that `init` on a foreign object — it accepts any object —
 * can never install an accessor onto a prototype we do not own. */
const _installedToString = /* @__PURE__ */ new WeakSet([Object.prototype, Error.prototype]);
const initializer = (inst, def) => {
    inst.name = "$ZodError";
    // `_zod` is already non-enumerable: $constructor's init defined it with this same descriptor
    _issuesDesc.value = def;
    Object.defineProperty(inst, "issues", _issuesDesc);
    // Clear the shared slot; a retained `value` pins the last error's issues.
    _issuesDesc.value = undefined;
    Object.defineProperty(inst, "message", _messageDesc);
    /* `toString` lives as a non-enumerable lazy getter on the shared
     * prototype; on first access it caches a per-instance closure so
     * detached usage still works. */
    const proto = Object.getPrototypeOf(inst);
    if (!_installedToString.has(proto)) {
        _installedToString.add(proto);
        Object.defineProperty(proto, "toString", {
            configurable: true,
            enumerable: false,
            get() {
                const value = () => this.message;
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
                return value;
            },
            set(value) {
                Object.defineProperty(this, "toString", { value, configurable: true, writable: true });
            },
        });
    }
};
const $ZodError = (0,_core_js__WEBPACK_IMPORTED_MODULE_1__/* .$constructor */ .xI)("$ZodError", initializer);
const $ZodRealError = (0,_core_js__WEBPACK_IMPORTED_MODULE_1__/* .$constructor */ .xI)("$ZodError", initializer, undefined, {
    Parent: Error,
});
/** Get-or-create `obj[key]` as an own data property. A path segment naming an inherited member
 * ("toString", "constructor") would otherwise read through to the prototype, and assigning
 * "__proto__" would hit the setter instead of creating a key. */
function node(obj, key, make) {
    if (!Object.prototype.hasOwnProperty.call(obj, key)) {
        if (key === "__proto__") {
            Object.defineProperty(obj, key, { value: make(), writable: true, enumerable: true, configurable: true });
        }
        else {
            obj[key] = make();
        }
    }
    return obj[key];
}
function flattenError(error, mapper = (issue) => issue.message) {
    const fieldErrors = {};
    const formErrors = [];
    for (const sub of error.issues) {
        if (sub.path.length > 0) {
            node(fieldErrors, sub.path[0], () => []).push(mapper(sub));
        }
        else {
            formErrors.push(mapper(sub));
        }
    }
    return { formErrors, fieldErrors };
}
function formatError(error, mapper = (issue) => issue.message) {
    const fieldErrors = { _errors: [] };
    const processError = (error, path = []) => {
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    fieldErrors._errors.push(mapper(issue));
                }
                else {
                    let curr = fieldErrors;
                    let i = 0;
                    while (i < fullpath.length) {
                        const el = fullpath[i];
                        const terminal = i === fullpath.length - 1;
                        // `_errors` is reserved by this legacy format, so merge a matching path segment into the current node instead of treating its array as a child.
                        if (el === "_errors") {
                            if (terminal)
                                curr._errors.push(mapper(issue));
                            i++;
                            continue;
                        }
                        // A path element may collide with an inherited property name such as
                        // "__proto__" or "constructor". Truthiness checks read the prototype
                        // (so no node is created, then ._errors.push throws), and bracket
                        // assignment of "__proto__" hits the setter instead of creating an
                        // own key. Guard the read with hasOwnProperty and create the node
                        // with defineProperty so any path element becomes a real own key.
                        if (!Object.prototype.hasOwnProperty.call(curr, el)) {
                            Object.defineProperty(curr, el, {
                                value: { _errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        const node = curr[el];
                        if (terminal) {
                            node._errors.push(mapper(issue));
                        }
                        curr = node;
                        i++;
                    }
                }
            }
        }
    };
    processError(error);
    return fieldErrors;
}
function treeifyError(error, mapper = (issue) => issue.message) {
    const result = { errors: [] };
    const processError = (error, path = []) => {
        var _a;
        for (const issue of error.issues) {
            if (issue.code === "invalid_union" && issue.errors.length) {
                // regular union error
                issue.errors.map((issues) => processError({ issues }, [...path, ...issue.path]));
            }
            else if (issue.code === "invalid_key") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else if (issue.code === "invalid_element") {
                processError({ issues: issue.issues }, [...path, ...issue.path]);
            }
            else {
                const fullpath = [...path, ...issue.path];
                if (fullpath.length === 0) {
                    result.errors.push(mapper(issue));
                    continue;
                }
                let curr = result;
                let i = 0;
                while (i < fullpath.length) {
                    const el = fullpath[i];
                    const terminal = i === fullpath.length - 1;
                    if (typeof el === "string") {
                        curr.properties ?? (curr.properties = {});
                        // el may collide with an inherited property name ("__proto__",
                        // "constructor", ...); ??= reads the prototype so the node is never
                        // created and curr.errors.push throws. Guard with hasOwnProperty and
                        // create the node with defineProperty so "__proto__" becomes a real
                        // own key rather than invoking the prototype setter.
                        if (!Object.prototype.hasOwnProperty.call(curr.properties, el)) {
                            Object.defineProperty(curr.properties, el, {
                                value: { errors: [] },
                                enumerable: true,
                                writable: true,
                                configurable: true,
                            });
                        }
                        curr = curr.properties[el];
                    }
                    else {
                        curr.items ?? (curr.items = []);
                        (_a = curr.items)[el] ?? (_a[el] = { errors: [] });
                        curr = curr.items[el];
                    }
                    if (terminal) {
                        curr.errors.push(mapper(issue));
                    }
                    i++;
                }
            }
        }
    };
    processError(error);
    return result;
}
/** Format a ZodError as a human-readable string in the following form.
 *
 * From
 *
 * ```ts
 * ZodError {
 *   issues: [
 *     {
 *       expected: 'string',
 *       code: 'invalid_type',
 *       path: [ 'username' ],
 *       message: 'Invalid input: expected string'
 *     },
 *     {
 *       expected: 'number',
 *       code: 'invalid_type',
 *       path: [ 'favoriteNumbers', 1 ],
 *       message: 'Invalid input: expected number'
 *     }
 *   ];
 * }
 * ```
 *
 * to
 *
 * ```
 * username
 *   ✖ Expected number, received string at "username
 * favoriteNumbers[0]
 *   ✖ Invalid input: expected number
 * ```
 */
function toDotPath(_path) {
    const segs = [];
    const path = _path.map((seg) => (typeof seg === "object" ? seg.key : seg));
    for (const seg of path) {
        if (typeof seg === "number")
            segs.push(`[${seg}]`);
        else if (typeof seg === "symbol")
            segs.push(`[${JSON.stringify(String(seg))}]`);
        else if (/[^\w$]/.test(seg))
            segs.push(`[${JSON.stringify(seg)}]`);
        else {
            if (segs.length)
                segs.push(".");
            segs.push(seg);
        }
    }
    return segs.join("");
}
function prettifyError(error) {
    const lines = [];
    // sort by path length
    const issues = [...error.issues].sort((a, b) => (a.path ?? []).length - (b.path ?? []).length);
    // Process each issue
    for (const issue of issues) {
        lines.push(`✖ ${issue.message}`);
        if (issue.path?.length)
            lines.push(`  → at ${toDotPath(issue.path)}`);
    }
    // Convert Map to formatted string
    return lines.join("\n");
}


/***/ }),

/***/ 54723:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __nccwpck_require__) => {

/* harmony export */ __nccwpck_require__.d(__webpack_exports__, {
/* harmony export */   A2: () => (/* binding */ normalizeParams),
/* harmony export */   B7: () => (/* binding */ stringifyPrimitive),
/* harmony export */   GW: () => (/* binding */ parsedType),
/* harmony export */   Gv: () => (/* binding */ isObject),
/* harmony export */   LG: () => (/* binding */ floatSafeRemainder),
/* harmony export */   MO: () => (/* binding */ rawShape),
/* harmony export */   NM: () => (/* binding */ optionalKeys),
/* harmony export */   NR: () => (/* binding */ BIGINT_FORMAT_RANGES),
/* harmony export */   O7: () => (/* binding */ codePointLength),
/* harmony export */   OH: () => (/* binding */ partial),
/* harmony export */   PO: () => (/* binding */ cached),
/* harmony export */   QH: () => (/* binding */ aborted),
/* harmony export */   Qd: () => (/* binding */ isPlainObject),
/* harmony export */   Rc: () => (/* binding */ getLengthableOrigin),
/* harmony export */   SS: () => (/* binding */ constantCatch),
/* harmony export */   UQ: () => (/* binding */ esc),
/* harmony export */   Up: () => (/* binding */ pick),
/* harmony export */   Vy: () => (/* binding */ assignProp),
/* harmony export */   W0: () => (/* binding */ safeExtend),
/* harmony export */   X: () => (/* binding */ installLazyProp),
/* harmony export */   X$: () => (/* binding */ extend),
/* harmony export */   Yv: () => (/* binding */ slugify),
/* harmony export */   cJ: () => (/* binding */ omit),
/* harmony export */   cl: () => (/* binding */ nullish),
/* harmony export */   d3: () => (/* binding */ attachSchema),
/* harmony export */   gx: () => (/* binding */ captureStackTrace),
/* harmony export */   h1: () => (/* binding */ merge),
/* harmony export */   hI: () => (/* binding */ allowsEval),
/* harmony export */   hi: () => (/* binding */ sizeCaps),
/* harmony export */   iR: () => (/* binding */ finalizeIssue),
/* harmony export */   jD: () => (/* binding */ hide),
/* harmony export */   jw: () => (/* binding */ joinValues),
/* harmony export */   k8: () => (/* binding */ jsonStringifyReplacer),
/* harmony export */   lQ: () => (/* binding */ prefixIssues),
/* harmony export */   mw: () => (/* binding */ required),
/* harmony export */   o8: () => (/* binding */ clone),
/* harmony export */   ol: () => (/* binding */ members),
/* harmony export */   p6: () => (/* binding */ cleanRegex),
/* harmony export */   qQ: () => (/* binding */ propertyKeyTypes),
/* harmony export */   qh: () => (/* binding */ own),
/* harmony export */   rL: () => (/* binding */ explicitlyAborted),
/* harmony export */   sD: () => (/* binding */ escapeRegex),
/* harmony export */   sn: () => (/* binding */ issue),
/* harmony export */   un: () => (/* binding */ derived),
/* harmony export */   v5: () => (/* binding */ defineLazyInternal),
/* harmony export */   w5: () => (/* binding */ getEnumValues),
/* harmony export */   yG: () => (/* binding */ shallowClone),
/* harmony export */   zH: () => (/* binding */ NUMBER_FORMAT_RANGES),
/* harmony export */   zM: () => (/* binding */ mergeDefs)
/* harmony export */ });
/* unused harmony exports assertEqual, assertNotEqual, toZod, assertIs, assertNever, assert, defineLazy, objectClone, cloneDef, getElementAtPath, promiseAllObject, randomString, numKeys, getParsedType, primitiveTypes, createTransparentProxy, unwrapMessage, getSizableOrigin, cleanEnum, base64ToUint8Array, uint8ArrayToBase64, base64urlToUint8Array, uint8ArrayToBase64url, hexToUint8Array, uint8ArrayToHex, Class, CONSTANT_CATCH */
/* harmony import */ var _core_js__WEBPACK_IMPORTED_MODULE_0__ = __nccwpck_require__(88532);

// functions
function assertEqual(val) {
    return val;
}
function assertNotEqual(val) {
    return val;
}
function toZod() {
    return (schema) => schema;
}
function assertIs(_arg) { }
function assertNever(_x) {
    throw new Error("Unexpected value in exhaustive check");
}
function assert(_) { }
function getEnumValues(entries) {
    const numericValues = Object.values(entries).filter((v) => typeof v === "number");
    const values = Object.entries(entries)
        .filter(([k, _]) => numericValues.indexOf(+k) === -1)
        .map(([_, v]) => v);
    return values;
}
function joinValues(array, separator = "|") {
    return array.map((val) => stringifyPrimitive(val)).join(separator);
}
function jsonStringifyReplacer(_, value) {
    if (typeof value === "bigint")
        return value.toString();
    return value;
}
// the accessor lives on a shared prototype: an own accessor makes every box a dictionary-mode object (~360 B and a slow load per read against ~100 B and an inlined getter here)
class Cached {
    constructor(getter) {
        this._getter = getter;
        this._value = undefined;
    }
    get value() {
        const getter = this._getter;
        if (getter !== undefined) {
            this._value = getter();
            this._getter = undefined;
        }
        return this._value;
    }
}
function cached(getter) {
    return new Cached(getter);
}
function nullish(input) {
    return input === null || input === undefined;
}
function cleanRegex(source) {
    const start = source.startsWith("^") ? 1 : 0;
    const end = source.endsWith("$") ? source.length - 1 : source.length;
    return source.slice(start, end);
}
function floatSafeRemainder(val, step) {
    const ratio = val / step;
    const roundedRatio = Math.round(ratio);
    // `val` and `step` each round to a double before the division rounds again, so a true decimal multiple's quotient can sit up to 1.5 of these scaled epsilons from the integer. A 1x tolerance therefore rejected 2.03 as a multiple of 0.07; 4x covers the worst case with margin.
    const tolerance = 4 * Number.EPSILON * Math.max(Math.abs(ratio), 1);
    if (Math.abs(ratio - roundedRatio) < tolerance)
        return 0;
    return ratio - roundedRatio;
}
const EVALUATING = /* @__PURE__*/ (/* unused pure expression or super */ null && (Symbol("evaluating")));
function defineLazy(object, key, getter) {
    let value = undefined;
    Object.defineProperty(object, key, {
        get() {
            if (value === EVALUATING) {
                // Circular reference detected, return undefined to break the cycle
                return undefined;
            }
            if (value === undefined) {
                value = EVALUATING;
                value = getter();
            }
            return value;
        },
        set(v) {
            Object.defineProperty(object, key, {
                value: v,
                // configurable: true,
            });
            // object[key] = v;
        },
        configurable: true,
    });
}
function objectClone(obj) {
    return Object.create(Object.getPrototypeOf(obj), Object.getOwnPropertyDescriptors(obj));
}
function assignProp(target, prop, value) {
    Object.defineProperty(target, prop, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
    });
}
/**
 * Whichever object a def's `shape` currently answers from: the one the caller passed until the first read, the frozen copy after it.
 *
 * Its keys and descriptors read without invoking anything, which is what lets a discriminated union check its discriminator, and the cycle walk read a shape, without resolving a getter that references the schema being constructed. A def that answers `shape` from an accessor of its own has none.
 */
function rawShape(def) {
    const desc = Object.getOwnPropertyDescriptor(def, "shape");
    return desc?.get ? desc.get.raw : desc?.value;
}
// where a builder reads its source's keys and descriptors, resolving only a shape a def answers for itself. A shape resolves by object spread, so only its enumerable keys are ever part of it.
function sourceShape(schema) {
    return rawShape(schema._zod.def) ?? schema._zod.def.shape;
}
// a key whose value is not settled yet, self-caching so every read after the first gets the same one
function deferProp(target, key, getter) {
    Object.defineProperty(target, key, {
        get() {
            const value = getter();
            assignProp(this, key, value);
            return value;
        },
        enumerable: true,
        configurable: true,
    });
}
// Writes a settled key. A plain assignment is much cheaper than `defineProperty` and produces the same descriptor, but it runs whatever setter already answers to the key — an accessor this shape deferred, or an inherited one, which `__proto__` has on every object and prototype pollution can add for any name.
function putProp(target, key, value) {
    if (key in target)
        assignProp(target, key, value);
    else
        target[key] = value;
}
/**
 * Copies `keys` of `source`'s shape onto `target`, each value passed through `wrap`.
 *
 * A key the source has resolved is copied through now, so the derived shape states it outright and nothing has to resolve it to learn what it holds. A key the source still defers stays deferred, and reads back through the source's own `shape`, so it resolves once and both shapes get that one schema.
 */
function mirrorShape(target, source, keys, wrap) {
    const raw = sourceShape(source);
    for (const key of keys) {
        const desc = Object.getOwnPropertyDescriptor(raw, key);
        if (!desc.enumerable)
            continue;
        if (desc.get) {
            deferProp(target, key, () => {
                const value = source._zod.def.shape[key];
                return wrap ? wrap(value, key) : value;
            });
        }
        else
            putProp(target, key, wrap ? wrap(desc.value, key) : desc.value);
    }
}
// same, for a plain shape a caller passed rather than a schema's
function mirrorProps(target, source) {
    for (const key of Reflect.ownKeys(source)) {
        const desc = Object.getOwnPropertyDescriptor(source, key);
        if (!desc.enumerable)
            continue;
        if (desc.get)
            deferProp(target, key, () => source[key]);
        else
            putProp(target, key, desc.value);
    }
}
function mergeDefs(...defs) {
    const mergedDescriptors = {};
    for (const def of defs) {
        const descriptors = Object.getOwnPropertyDescriptors(def);
        Object.assign(mergedDescriptors, descriptors);
    }
    return Object.defineProperties({}, mergedDescriptors);
}
function cloneDef(schema) {
    return mergeDefs(schema._zod.def);
}
function getElementAtPath(obj, path) {
    if (!path)
        return obj;
    return path.reduce((acc, key) => acc?.[key], obj);
}
function promiseAllObject(promisesObj) {
    const keys = Object.keys(promisesObj);
    const promises = keys.map((key) => promisesObj[key]);
    return Promise.all(promises).then((results) => {
        const resolvedObj = {};
        for (let i = 0; i < keys.length; i++) {
            resolvedObj[keys[i]] = results[i];
        }
        return resolvedObj;
    });
}
function randomString(length = 10) {
    const chars = "abcdefghijklmnopqrstuvwxyz";
    let str = "";
    for (let i = 0; i < length; i++) {
        str += chars[Math.floor(Math.random() * chars.length)];
    }
    return str;
}
function esc(str) {
    return JSON.stringify(str);
}
function slugify(input) {
    return input
        .toLowerCase()
        .trim()
        .replace(/[^\w\s-]/g, "")
        .replace(/[\s_-]+/g, "-")
        .replace(/^-+|-+$/g, "");
}
const captureStackTrace = ("captureStackTrace" in Error ? Error.captureStackTrace : (..._args) => { });
function isObject(data) {
    return typeof data === "object" && data !== null && !Array.isArray(data);
}
const allowsEval = /* @__PURE__*/ cached(() => {
    // Skip the probe under `jitless`: strict CSPs report the caught `new Function` as a `securitypolicyviolation` even though the throw is swallowed.
    if (_core_js__WEBPACK_IMPORTED_MODULE_0__/* .globalConfig */ .cr.jitless) {
        return false;
    }
    // @ts-ignore
    if (typeof navigator !== "undefined" && navigator?.userAgent?.includes("Cloudflare")) {
        return false;
    }
    try {
        const F = Function;
        new F("");
        return true;
    }
    catch (_) {
        return false;
    }
});
function isPlainObject(o) {
    if (isObject(o) === false)
        return false;
    // modified constructor
    const ctor = o.constructor;
    if (ctor === undefined)
        return true;
    if (typeof ctor !== "function")
        return true;
    // modified prototype
    const prot = ctor.prototype;
    if (isObject(prot) === false)
        return false;
    // ctor doesn't have static `isPrototypeOf`
    if (Object.prototype.hasOwnProperty.call(prot, "isPrototypeOf") === false) {
        return false;
    }
    return true;
}
function shallowClone(o) {
    if (isPlainObject(o))
        return { ...o };
    if (Array.isArray(o))
        return [...o];
    if (o instanceof Map)
        return new Map(o);
    if (o instanceof Set)
        return new Set(o);
    return o;
}
function numKeys(data) {
    let keyCount = 0;
    for (const key in data) {
        if (Object.prototype.hasOwnProperty.call(data, key)) {
            keyCount++;
        }
    }
    return keyCount;
}
const getParsedType = (data) => {
    const t = typeof data;
    switch (t) {
        case "undefined":
            return "undefined";
        case "string":
            return "string";
        case "number":
            return Number.isNaN(data) ? "nan" : "number";
        case "boolean":
            return "boolean";
        case "function":
            return "function";
        case "bigint":
            return "bigint";
        case "symbol":
            return "symbol";
        case "object":
            if (Array.isArray(data)) {
                return "array";
            }
            if (data === null) {
                return "null";
            }
            if (data.then && typeof data.then === "function" && data.catch && typeof data.catch === "function") {
                return "promise";
            }
            if (typeof Map !== "undefined" && data instanceof Map) {
                return "map";
            }
            if (typeof Set !== "undefined" && data instanceof Set) {
                return "set";
            }
            if (typeof Date !== "undefined" && data instanceof Date) {
                return "date";
            }
            // @ts-ignore
            if (typeof File !== "undefined" && data instanceof File) {
                return "file";
            }
            return "object";
        default:
            throw new Error(`Unknown data type: ${t}`);
    }
};
const propertyKeyTypes = /* @__PURE__*/ new Set(["string", "number", "symbol"]);
const primitiveTypes = /* @__PURE__*/ new Set([
    "string",
    "number",
    "bigint",
    "boolean",
    "symbol",
    "undefined",
]);
function escapeRegex(str) {
    return str.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
// zod-specific utils
function clone(inst, def, params) {
    const cl = new inst._zod.constr(def ?? inst._zod.def);
    if (!def || params?.parent)
        cl._zod.parent = inst;
    return cl;
}
function normalizeParams(_params) {
    const params = _params;
    if (!params)
        return {};
    if (typeof params === "string")
        return { error: () => params };
    if (params?.message !== undefined) {
        if (params?.error !== undefined)
            throw new Error("Cannot specify both `message` and `error` params");
        params.error = params.message;
    }
    delete params.message;
    if (typeof params.error === "string")
        return { ...params, error: () => params.error };
    return params;
}
function createTransparentProxy(getter) {
    let target;
    return new Proxy({}, {
        get(_, prop, receiver) {
            target ?? (target = getter());
            return Reflect.get(target, prop, receiver);
        },
        set(_, prop, value, receiver) {
            target ?? (target = getter());
            return Reflect.set(target, prop, value, receiver);
        },
        has(_, prop) {
            target ?? (target = getter());
            return Reflect.has(target, prop);
        },
        deleteProperty(_, prop) {
            target ?? (target = getter());
            return Reflect.deleteProperty(target, prop);
        },
        ownKeys(_) {
            target ?? (target = getter());
            return Reflect.ownKeys(target);
        },
        getOwnPropertyDescriptor(_, prop) {
            target ?? (target = getter());
            return Reflect.getOwnPropertyDescriptor(target, prop);
        },
        defineProperty(_, prop, descriptor) {
            target ?? (target = getter());
            return Reflect.defineProperty(target, prop, descriptor);
        },
    });
}
function stringifyPrimitive(value) {
    if (typeof value === "bigint")
        return value.toString() + "n";
    if (typeof value === "string")
        return `"${value}"`;
    return `${value}`;
}
function optionalKeys(shape) {
    return Object.keys(shape).filter((k) => {
        return shape[k]._zod.optin !== undefined && shape[k]._zod.optout === "optional";
    });
}
// Wrapped in a `@__PURE__` IIFE: esbuild never tree-shakes a top-level initializer that contains a member access on `Number`, so the bare object literal survived into every bundle.
const NUMBER_FORMAT_RANGES = /*@__PURE__*/ (() => ({
    safeint: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    int32: [-2147483648, 2147483647],
    uint32: [0, 4294967295],
    float32: [-3.4028234663852886e38, 3.4028234663852886e38],
    float64: [-Number.MAX_VALUE, Number.MAX_VALUE],
}))();
const BIGINT_FORMAT_RANGES = {
    int64: [/* @__PURE__*/ BigInt("-9223372036854775808"), /* @__PURE__*/ BigInt("9223372036854775807")],
    uint64: [/* @__PURE__*/ BigInt(0), /* @__PURE__*/ BigInt("18446744073709551615")],
};
function pick(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".pick() cannot be used on object schemas containing refinements");
    }
    const newShape = {};
    mirrorShape(newShape, schema, maskedKeys(schema, mask));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
// the mask keys that select something, checked against the source's shape without resolving it
function maskedKeys(schema, mask) {
    const raw = sourceShape(schema);
    const keys = [];
    // `for...in` skips symbols, so a symbol in the mask would select nothing
    for (const key of Reflect.ownKeys(mask)) {
        if (!Object.getOwnPropertyDescriptor(raw, key)?.enumerable) {
            throw new Error(`Unrecognized key: "${String(key)}"`);
        }
        if (mask[key])
            keys.push(key);
    }
    return keys;
}
function omit(schema, mask) {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(".omit() cannot be used on object schemas containing refinements");
    }
    const omitted = new Set(maskedKeys(schema, mask));
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)).filter((key) => !omitted.has(key)));
    return clone(schema, mergeDefs(currDef, { shape: newShape, checks: [] }));
}
function extend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to extend: expected a plain object");
    }
    const checks = schema._zod.def.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        // Only throw if new shape overlaps with existing shape. Use getOwnPropertyDescriptor to check key existence without accessing values
        const existingShape = sourceShape(schema);
        for (const key of Reflect.ownKeys(shape)) {
            if (Object.getOwnPropertyDescriptor(existingShape, key) !== undefined) {
                throw new Error("Cannot overwrite keys on object schemas containing refinements. Use `.safeExtend()` instead.");
            }
        }
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
// the source's keys, then the caller's overlaid on top
function extended(schema, shape) {
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)));
    mirrorProps(newShape, shape);
    return newShape;
}
function safeExtend(schema, shape) {
    if (!isPlainObject(shape)) {
        throw new Error("Invalid input to safeExtend: expected a plain object");
    }
    return clone(schema, mergeDefs(schema._zod.def, { shape: extended(schema, shape) }));
}
function merge(a, b) {
    if (!b?._zod?.def) {
        throw new Error("Invalid input to merge: expected an object schema. To merge a plain shape, use `.extend()`.");
    }
    if (a._zod.def.checks?.length) {
        throw new Error(".merge() cannot be used on object schemas containing refinements. Use .safeExtend() instead.");
    }
    const newShape = {};
    mirrorShape(newShape, a, Reflect.ownKeys(sourceShape(a)));
    mirrorShape(newShape, b, Reflect.ownKeys(sourceShape(b)));
    const def = mergeDefs(a._zod.def, {
        shape: newShape,
        get catchall() {
            return b._zod.def.catchall;
        },
        checks: b._zod.def.checks ?? [],
    });
    return clone(a, def);
}
function partial(Class, schema, mask, name = "partial") {
    const currDef = schema._zod.def;
    const checks = currDef.checks;
    const hasChecks = checks && checks.length > 0;
    if (hasChecks) {
        throw new Error(`.${name}() cannot be used on object schemas containing refinements`);
    }
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), Class &&
        ((value, key) => (selected && !selected.has(key) ? value : new Class({ type: "optional", innerType: value }))));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape, checks: [] }));
}
function required(Class, schema, mask) {
    const selected = mask ? new Set(maskedKeys(schema, mask)) : undefined;
    const newShape = {};
    mirrorShape(newShape, schema, Reflect.ownKeys(sourceShape(schema)), (value, key) => 
    // overwrite with non-optional
    selected && !selected.has(key) ? value : new Class({ type: "nonoptional", innerType: value }));
    return clone(schema, mergeDefs(schema._zod.def, { shape: newShape }));
}
// invalid_type | too_big | too_small | invalid_format | not_multiple_of | unrecognized_keys | invalid_union | invalid_key | invalid_element | invalid_value | custom
function aborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue !== true) {
            return true;
        }
    }
    return false;
}
// Checks for explicit abort (continue === false), as opposed to implicit abort (continue === undefined). Used to respect `abort: true` in .refine() even for checks that have a `when` function.
function explicitlyAborted(x, startIndex = 0) {
    if (x.aborted === true)
        return true;
    for (let i = startIndex; i < x.issues.length; i++) {
        if (x.issues[i]?.continue === false) {
            return true;
        }
    }
    return false;
}
function prefixIssues(path, issues) {
    return issues.map((iss) => {
        var _a;
        (_a = iss).path ?? (_a.path = []);
        iss.path.unshift(path);
        return iss;
    });
}
function unwrapMessage(message) {
    return typeof message === "string" ? message : message?.message;
}
/* A check holds no link back to the schema it is attached to — the same check instance is shared by every clone of that schema — so the owner is stamped onto the issues a check just raised, at the only point where both are in scope. Runs on the failure path only; `start` is the issue count from before the check ran. */
/** The leading size checks of `defChecks` that set an upper bound, each paired with it. */
function sizeCaps(defChecks) {
    const caps = [];
    for (const ch of defChecks ?? []) {
        const d = ch._zod.def;
        // a later check may rewrite the value
        if (!/_(length|size)$|_equals$/.test(d.check))
            break;
        const max = d.maximum ?? d.length ?? d.size;
        if (max >= 0)
            caps.push([max, ch]);
    }
    return caps;
}
function attachSchema(issues, start, inst) {
    var _a;
    for (let i = start; i < issues.length; i++) {
        (_a = issues[i]).schema ?? (_a.schema = inst);
    }
}
function finalizeIssue(iss, ctx, config) {
    var _a;
    // A schema that raised an issue itself owns it outright, and outranks any stamp an enclosing check left in `attachSchema`. String formats and z.custom() are schema and check at once, so when they act as a check they defer to that stamp instead.
    const traits = iss.inst?._zod?.traits;
    if (traits?.has("$ZodType")) {
        if (traits.has("$ZodCheck"))
            (_a = iss).schema ?? (_a.schema = iss.inst);
        else
            iss.schema = iss.inst;
    }
    // Decreasing specificity, first map to return a message wins. `inst` is whatever raised the issue, so a check's own map outranks the owning schema's.
    const schemaError = iss.schema !== iss.inst ? iss.schema?._zod.def?.error : undefined;
    const message = iss.message
        ? iss.message
        : (unwrapMessage(iss.inst?._zod.def?.error?.(iss)) ??
            unwrapMessage(schemaError?.(iss)) ??
            unwrapMessage(ctx?.error?.(iss)) ??
            unwrapMessage(config.customError?.(iss)) ??
            unwrapMessage(config.localeError?.(iss)) ??
            "Invalid input");
    // an explicit own-key copy beats object rest with excluded keys, which v8 routes through a generic runtime call; Object.keys rather than for-in so an issue pushed with a prototype does not leak inherited keys, and an own __proto__ key is dropped rather than assigned through the setter
    const full = {};
    for (const k of Object.keys(iss)) {
        if (k === "inst" || k === "schema" || k === "continue" || k === "input" || k === "__proto__")
            continue;
        full[k] = iss[k];
    }
    full.path ?? (full.path = []);
    full.message = message;
    if (ctx?.reportInput) {
        full.input = iss.input;
    }
    return full;
}
function getSizableOrigin(input) {
    if (input instanceof Set)
        return "set";
    if (input instanceof Map)
        return "map";
    // @ts-ignore
    if (input instanceof File)
        return "file";
    return "unknown";
}
const highSurrogate = /[\uD800-\uDBFF]/;
// Code points in `str`: a surrogate pair counts once, a lone surrogate as itself. Hand-rolled because the string iterator allocates and runs ~250x slower on this path; the regex probe exits ~50x quicker for a string with no astral characters.
function codePointLength(str) {
    const units = str.length;
    if (!highSurrogate.test(str))
        return units;
    let count = units;
    for (let i = 0; i < units - 1; i++) {
        if ((str.charCodeAt(i) & 0xfc00) === 0xd800 && (str.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
            count--;
            i++;
        }
    }
    return count;
}
function getLengthableOrigin(input) {
    if (Array.isArray(input))
        return "array";
    if (typeof input === "string")
        return "string";
    return "unknown";
}
function parsedType(data) {
    const t = typeof data;
    switch (t) {
        case "number": {
            return Number.isNaN(data) ? "nan" : "number";
        }
        case "object": {
            if (data === null) {
                return "null";
            }
            if (Array.isArray(data)) {
                return "array";
            }
            const obj = data;
            if (obj && Object.getPrototypeOf(obj) !== Object.prototype && "constructor" in obj && obj.constructor) {
                return obj.constructor.name;
            }
        }
    }
    return t;
}
function issue(...args) {
    const [iss, input, inst] = args;
    if (typeof iss === "string") {
        return {
            message: iss,
            code: "custom",
            input,
            inst,
        };
    }
    return { ...iss };
}
function cleanEnum(obj) {
    return Object.entries(obj)
        .filter(([k, _]) => {
        // return true if NaN, meaning it's not a number, thus a string key
        return Number.isNaN(Number.parseInt(k, 10));
    })
        .map((el) => el[1]);
}
// Codec utility functions
function base64ToUint8Array(base64) {
    const binaryString = atob(base64);
    const bytes = new Uint8Array(binaryString.length);
    for (let i = 0; i < binaryString.length; i++) {
        bytes[i] = binaryString.charCodeAt(i);
    }
    return bytes;
}
function uint8ArrayToBase64(bytes) {
    let binaryString = "";
    for (let i = 0; i < bytes.length; i++) {
        binaryString += String.fromCharCode(bytes[i]);
    }
    return btoa(binaryString);
}
function base64urlToUint8Array(base64url) {
    const base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    const padding = "=".repeat((4 - (base64.length % 4)) % 4);
    return base64ToUint8Array(base64 + padding);
}
function uint8ArrayToBase64url(bytes) {
    return uint8ArrayToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=/g, "");
}
function hexToUint8Array(hex) {
    const cleanHex = hex.replace(/^0x/, "");
    if (cleanHex.length % 2 !== 0) {
        throw new Error("Invalid hex string length");
    }
    const bytes = new Uint8Array(cleanHex.length / 2);
    for (let i = 0; i < cleanHex.length; i += 2) {
        bytes[i / 2] = Number.parseInt(cleanHex.slice(i, i + 2), 16);
    }
    return bytes;
}
function uint8ArrayToHex(bytes) {
    return Array.from(bytes)
        .map((b) => b.toString(16).padStart(2, "0"))
        .join("");
}
// instanceof
class Class {
    constructor(..._args) { }
}
//////////    PROTOTYPE INSTALLERS     //////////
//
// Members live on the prototype and materialize per instance on first read, which keeps own-property count under the step where V8 stops using inline slots. Changing anything here means re-measuring runtime, memory and bundle size together — see "The three axes" in AGENTS.md.
/**
 * Installs a trait's members on its prototype. Each value builds that member for the instance on first read; the built value shadows the accessor as an own property, so a detached `const { parse } = schema` keeps working.
 *
 * Call this from a `proto` initializer, which runs once per prototype — never per instance.
 */
function members(proto, table) {
    for (const key in table) {
        const desc = Object.getOwnPropertyDescriptor(table, key);
        // a getter installs as written, so it stays live: `description` reads through to the registry on every access. not enumerable: an object literal's is, and a prototype member never was
        if (desc.get)
            Object.defineProperty(proto, key, { ...desc, enumerable: false });
        // a method materializes bound on first read, which is what keeps a detached member working: `const opt = schema.optional; opt()`
        else
            defineBound(proto, key, desc.value);
    }
}
/** Shadows a prototype member with an own value, so a getter that builds from the instance runs once. */
function own(inst, key, value, enumerable = true) {
    Object.defineProperty(inst, key, { configurable: true, writable: true, enumerable, value });
    return value;
}
/** Like {@link own}, for a member that was never an own data property and has to stay out of `Object.keys`. */
function hide(inst, key, value) {
    return own(inst, key, value, false);
}
/** Adds members a table derives from the instance: each builds on first read and shadows as own data, and assignment shadows the same way, as when these were own properties. */
function derived(computes, table) {
    for (const key in computes) {
        const compute = computes[key];
        // an object literal's accessor is configurable and enumerable, and `members` copies the descriptor as written
        Object.defineProperty(table, key, {
            configurable: true,
            enumerable: true,
            get() {
                return own(this, key, compute(this));
            },
            set(value) {
                own(this, key, value);
            },
        });
    }
    return table;
}
function defineBound(proto, key, fn) {
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // vitest's spyOn calls a prototype getter bare to find the function it wraps, so a nullish receiver answers the raw method
            return this == null ? fn : own(this, key, fn.bind(this));
        },
        set(value) {
            own(this, key, value);
        },
    });
}
/** Returns the prototype to install on, or `undefined` if this group is already installed on it. */
function claim(inst, sentinel) {
    const proto = Object.getPrototypeOf(inst);
    // Runs on every construction, so `in` rather than the costlier `hasOwnProperty.call`. Sentinels are keys the group itself defines.
    return sentinel in proto ? undefined : proto;
}
// The internals whose init chain is installing. A second call for the same one is a derived constructor overriding its base, so it must not construct another schema in between or the override is dropped.
let installing;
// Set while a getter is running, so a value that resolved through a recursion break is not memoized. One shared descriptor shadows the key for the duration, which costs no per-key allocation.
let broke = false;
const breaker = {
    configurable: true,
    get() {
        broke = true;
        return undefined;
    },
};
/**
 * Installs a lazily-derived internal on the `_zod` prototype of `inst`'s
 * constructor, computed from the internals object itself and cached there on
 * first read. One accessor per constructor rather than one per instance.
 */
function defineLazyInternal(inst, key, compute) {
    const proto = Object.getPrototypeOf(inst._zod);
    if (key in proto && installing !== inst._zod) {
        // A repeat construction: everything is installed already. Cleared here so the reference is not held past the first construction of every type.
        installing = undefined;
        return;
    }
    installing = inst._zod;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing so a re-entrant read from a recursive schema resolves to undefined instead of running the getter again.
            Object.defineProperty(this, key, breaker);
            const outer = broke;
            broke = false;
            try {
                const value = compute(this);
                // A result that resolved through a recursion break is recomputed once the graph is complete; everything else memoizes, undefined included.
                if (broke)
                    delete this[key];
                else
                    Object.defineProperty(this, key, { configurable: true, writable: true, value });
                broke = broke || outer;
                return value;
            }
            catch (err) {
                // A compute that threw memoizes nothing, so a later read runs it again and fails the same way. The shadow goes with it, since leaving it installed would answer undefined for every later read.
                delete this[key];
                broke = broke || outer;
                throw err;
            }
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, value });
        },
    });
}
/**
 * Installs `key` on `inst`'s prototype, computed by `make` on first read and cached there as an own
 * data property. One accessor per constructor rather than one per instance, because an own accessor
 * puts every instance after the first into v8 dictionary mode. The key doubles as the sentinel.
 */
function installLazyProp(inst, key, make, enumerable) {
    const proto = claim(inst, key);
    if (!proto)
        return;
    Object.defineProperty(proto, key, {
        configurable: true,
        get() {
            // Shadowed before computing, so a re-entrant read from a self-referential shape resolves to undefined instead of running the getter again. A data property rather than an accessor: an own accessor is the dictionary-mode transition this exists to avoid.
            const desc = { configurable: true, writable: true, enumerable, value: undefined };
            Object.defineProperty(this, key, desc);
            // a compute that throws leaves the shadow behind, so later reads answer undefined instead of re-throwing; `defineLazy` did the same, and `defineLazyInternal`'s delete-on-catch would cost bytes in every bundle for a case only a throwing user getter reaches
            desc.value = make(this);
            Object.defineProperty(this, key, desc);
            return desc.value;
        },
        set(value) {
            Object.defineProperty(this, key, { configurable: true, writable: true, enumerable, value });
        },
    });
}
/** Marks the thunk `_catch` synthesises for a constant catch value. `Function.length` cannot tell that thunk from a user callback — rest and defaulted parameters both report arity 0 — and a user callback reads `ctx.error`, whose issues only finalize correctly against the caller's per-parse error map. Provenance can say what arity cannot. A plain string key rather than `Symbol.for`, whose call at module scope no bundler can prove pure — the same shape that anchored `urlCanParse` into every build. */
const CONSTANT_CATCH = "~constantCatch";
/** Wraps a constant catch value in a thunk tagged with {@link CONSTANT_CATCH}. */
function constantCatch(value) {
    const fn = () => value;
    fn[CONSTANT_CATCH] = true;
    return fn;
}


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		id: moduleId,
/******/ 		loaded: false,
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Flag the module as loaded
/******/ 	module.loaded = true;
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/******/ // expose the modules object (__webpack_modules__)
/******/ __nccwpck_require__.m = __webpack_modules__;
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/asset-relocator-loader */
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = decodeURIComponent(new URL('.', import.meta.url).pathname).slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/******/ /* webpack/runtime/async module */
/******/ (() => {
/******/ 	var webpackQueues = typeof Symbol === "function" ? Symbol("webpack queues") : "__webpack_queues__";
/******/ 	var webpackExports = typeof Symbol === "function" ? Symbol("webpack exports") : "__webpack_exports__";
/******/ 	var webpackError = typeof Symbol === "function" ? Symbol("webpack error") : "__webpack_error__";
/******/ 	var resolveQueue = (queue) => {
/******/ 		if(queue && queue.d < 1) {
/******/ 			queue.d = 1;
/******/ 			queue.forEach((fn) => (fn.r--));
/******/ 			queue.forEach((fn) => (fn.r-- ? fn.r++ : fn()));
/******/ 		}
/******/ 	}
/******/ 	var wrapDeps = (deps) => (deps.map((dep) => {
/******/ 		if(dep !== null && typeof dep === "object") {
/******/ 			if(dep[webpackQueues]) return dep;
/******/ 			if(dep.then) {
/******/ 				var queue = [];
/******/ 				queue.d = 0;
/******/ 				dep.then((r) => {
/******/ 					obj[webpackExports] = r;
/******/ 					resolveQueue(queue);
/******/ 				}, (e) => {
/******/ 					obj[webpackError] = e;
/******/ 					resolveQueue(queue);
/******/ 				});
/******/ 				var obj = {};
/******/ 				obj[webpackQueues] = (fn) => (fn(queue));
/******/ 				return obj;
/******/ 			}
/******/ 		}
/******/ 		var ret = {};
/******/ 		ret[webpackQueues] = x => {};
/******/ 		ret[webpackExports] = dep;
/******/ 		return ret;
/******/ 	}));
/******/ 	__nccwpck_require__.a = (module, body, hasAwait) => {
/******/ 		var queue;
/******/ 		hasAwait && ((queue = []).d = -1);
/******/ 		var depQueues = new Set();
/******/ 		var exports = module.exports;
/******/ 		var currentDeps;
/******/ 		var outerResolve;
/******/ 		var reject;
/******/ 		var promise = new Promise((resolve, rej) => {
/******/ 			reject = rej;
/******/ 			outerResolve = resolve;
/******/ 		});
/******/ 		promise[webpackExports] = exports;
/******/ 		promise[webpackQueues] = (fn) => (queue && fn(queue), depQueues.forEach(fn), promise["catch"](x => {}));
/******/ 		module.exports = promise;
/******/ 		body((deps) => {
/******/ 			currentDeps = wrapDeps(deps);
/******/ 			var fn;
/******/ 			var getResult = () => (currentDeps.map((d) => {
/******/ 				if(d[webpackError]) throw d[webpackError];
/******/ 				return d[webpackExports];
/******/ 			}))
/******/ 			var promise = new Promise((resolve) => {
/******/ 				fn = () => (resolve(getResult));
/******/ 				fn.r = 0;
/******/ 				var fnQueue = (q) => (q !== queue && !depQueues.has(q) && (depQueues.add(q), q && !q.d && (fn.r++, q.push(fn))));
/******/ 				currentDeps.map((dep) => (dep[webpackQueues](fnQueue)));
/******/ 			});
/******/ 			return fn.r ? promise : getResult();
/******/ 		}, (err) => ((err ? reject(promise[webpackError] = err) : outerResolve(exports)), resolveQueue(queue)));
/******/ 		queue && queue.d < 0 && (queue.d = 0);
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/compat get default export */
/******/ (() => {
/******/ 	// getDefaultExport function for compatibility with non-harmony modules
/******/ 	__nccwpck_require__.n = (module) => {
/******/ 		var getter = module && module.__esModule ?
/******/ 			() => (module['default']) :
/******/ 			() => (module);
/******/ 		__nccwpck_require__.d(getter, { a: getter });
/******/ 		return getter;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/create fake namespace object */
/******/ (() => {
/******/ 	var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 	var leafPrototypes;
/******/ 	// create a fake namespace object
/******/ 	// mode & 1: value is a module id, require it
/******/ 	// mode & 2: merge all properties of value into the ns
/******/ 	// mode & 4: return value when already ns object
/******/ 	// mode & 16: return value when it's Promise-like
/******/ 	// mode & 8|1: behave like require
/******/ 	__nccwpck_require__.t = function(value, mode) {
/******/ 		if(mode & 1) value = this(value);
/******/ 		if(mode & 8) return value;
/******/ 		if(typeof value === 'object' && value) {
/******/ 			if((mode & 4) && value.__esModule) return value;
/******/ 			if((mode & 16) && typeof value.then === 'function') return value;
/******/ 		}
/******/ 		var ns = Object.create(null);
/******/ 		__nccwpck_require__.r(ns);
/******/ 		var def = {};
/******/ 		leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 		for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 			Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 		}
/******/ 		def['default'] = () => (value);
/******/ 		__nccwpck_require__.d(ns, def);
/******/ 		return ns;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/define property getters */
/******/ (() => {
/******/ 	// define getter functions for harmony exports
/******/ 	__nccwpck_require__.d = (exports, definition) => {
/******/ 		for(var key in definition) {
/******/ 			if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 				Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 			}
/******/ 		}
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/ensure chunk */
/******/ (() => {
/******/ 	__nccwpck_require__.f = {};
/******/ 	// This file contains only the entry chunk.
/******/ 	// The chunk loading function for additional chunks
/******/ 	__nccwpck_require__.e = (chunkId) => {
/******/ 		return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 			__nccwpck_require__.f[key](chunkId, promises);
/******/ 			return promises;
/******/ 		}, []));
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/get javascript chunk filename */
/******/ (() => {
/******/ 	// This function allow to reference async chunks
/******/ 	__nccwpck_require__.u = (chunkId) => {
/******/ 		// return url for filenames based on template
/******/ 		return "" + chunkId + ".index.js";
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/hasOwnProperty shorthand */
/******/ (() => {
/******/ 	__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ })();
/******/ 
/******/ /* webpack/runtime/make namespace object */
/******/ (() => {
/******/ 	// define __esModule on exports
/******/ 	__nccwpck_require__.r = (exports) => {
/******/ 		if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 			Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 		}
/******/ 		Object.defineProperty(exports, '__esModule', { value: true });
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/node module decorator */
/******/ (() => {
/******/ 	__nccwpck_require__.nmd = (module) => {
/******/ 		module.paths = [];
/******/ 		if (!module.children) module.children = [];
/******/ 		return module;
/******/ 	};
/******/ })();
/******/ 
/******/ /* webpack/runtime/import chunk loading */
/******/ (() => {
/******/ 	// no baseURI
/******/ 	
/******/ 	// object to store loaded and loading chunks
/******/ 	// undefined = chunk not loaded, null = chunk preloaded/prefetched
/******/ 	// [resolve, Promise] = chunk loading, 0 = chunk loaded
/******/ 	var installedChunks = {
/******/ 		792: 0
/******/ 	};
/******/ 	
/******/ 	var installChunk = (data) => {
/******/ 		var {ids, modules, runtime} = data;
/******/ 		// add "modules" to the modules object,
/******/ 		// then flag all "ids" as loaded and fire callback
/******/ 		var moduleId, chunkId, i = 0;
/******/ 		for(moduleId in modules) {
/******/ 			if(__nccwpck_require__.o(modules, moduleId)) {
/******/ 				__nccwpck_require__.m[moduleId] = modules[moduleId];
/******/ 			}
/******/ 		}
/******/ 		if(runtime) runtime(__nccwpck_require__);
/******/ 		for(;i < ids.length; i++) {
/******/ 			chunkId = ids[i];
/******/ 			if(__nccwpck_require__.o(installedChunks, chunkId) && installedChunks[chunkId]) {
/******/ 				installedChunks[chunkId][0]();
/******/ 			}
/******/ 			installedChunks[ids[i]] = 0;
/******/ 		}
/******/ 	
/******/ 	}
/******/ 	
/******/ 	__nccwpck_require__.f.j = (chunkId, promises) => {
/******/ 			// import() chunk loading for javascript
/******/ 			var installedChunkData = __nccwpck_require__.o(installedChunks, chunkId) ? installedChunks[chunkId] : undefined;
/******/ 			if(installedChunkData !== 0) { // 0 means "already installed".
/******/ 	
/******/ 				// a Promise means "currently loading".
/******/ 				if(installedChunkData) {
/******/ 					promises.push(installedChunkData[1]);
/******/ 				} else {
/******/ 					if(true) { // all chunks have JS
/******/ 						// setup Promise in chunk cache
/******/ 						var promise = import("./" + __nccwpck_require__.u(chunkId)).then(installChunk, (e) => {
/******/ 							if(installedChunks[chunkId] !== 0) installedChunks[chunkId] = undefined;
/******/ 							throw e;
/******/ 						});
/******/ 						var promise = Promise.race([promise, new Promise((resolve) => (installedChunkData = installedChunks[chunkId] = [resolve]))])
/******/ 						promises.push(installedChunkData[1] = promise);
/******/ 					}
/******/ 				}
/******/ 			}
/******/ 	};
/******/ 	
/******/ 	// no prefetching
/******/ 	
/******/ 	// no preloaded
/******/ 	
/******/ 	// no external install chunk
/******/ 	
/******/ 	// no on chunks loaded
/******/ })();
/******/ 
/************************************************************************/
/******/ 
/******/ // startup
/******/ // Load entry module and return exports
/******/ // This entry module used 'module' so it can't be inlined
/******/ var __webpack_exports__ = __nccwpck_require__(32757);
/******/ __webpack_exports__ = await __webpack_exports__;
/******/ 
